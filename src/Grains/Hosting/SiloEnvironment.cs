using System.Globalization;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Grains.Hosting;

/// <summary>
/// Host options of the <c>sweep-silo</c> executable, read from the environment (how systemd units and
/// containers configure it): SWEEP_POSTGRES or SWEEP_POSTGRES_FILE, SWEEP_TLS_CERT + SWEEP_TLS_KEY + SWEEP_TLS_CA, SWEEP_HOME,
/// SWEEP_SLOTS, SWEEP_CORES, SWEEP_SILO_PORT (default 11111), SWEEP_GATEWAY_PORT (default 30000), SWEEP_ADVERTISE, SWEEP_QUIET=1 (no
/// logs), SWEEP_TELEMETRY=console, SWEEP_HEALTH_PORT (HTTP health check; none by default), and in seconds
/// SWEEP_LEASE_TIMEOUT, SWEEP_FAILURE_DETECTION and SWEEP_RESPONSE_TIMEOUT (see <see cref="ClusterTimeouts"/>).
/// </summary>
public static class SiloEnvironment
{
    public static SweepHostOptions Read() => new()
    {
        PostgresConnectionString = SweepHosting.ResolvePostgres(null),
        Tls = ClusterTlsFiles.Resolve(null, null, null),
        StoreDirectory = SweepHosting.ResolveStoreDirectory(null),
        TrainerSlots = Int("SWEEP_SLOTS"),
        Cores = Int("SWEEP_CORES"),
        SiloPort = Int("SWEEP_SILO_PORT") ?? 11111,
        GatewayPort = Int("SWEEP_GATEWAY_PORT") ?? 30000,
        AdvertisedAddress = Environment.GetEnvironmentVariable("SWEEP_ADVERTISE") is { Length: > 0 } a ? a : null,
        Verbose = Environment.GetEnvironmentVariable("SWEEP_QUIET") != "1",
        TelemetryConsole = Environment.GetEnvironmentVariable("SWEEP_TELEMETRY") == "console",
        HealthPort = Int("SWEEP_HEALTH_PORT") ?? 0,
        LeaseTimeout = Seconds("SWEEP_LEASE_TIMEOUT", ClusterTimeouts.LeaseRange),
        FailureDetection = Seconds("SWEEP_FAILURE_DETECTION", ClusterTimeouts.FailureDetectionRange),
        ResponseTimeout = Seconds("SWEEP_RESPONSE_TIMEOUT", ClusterTimeouts.ResponseRange),
    };

    private static TimeSpan? Seconds(string name, (double Min, double Max) range)
    {
        try
        {
            return ClusterTimeouts.ParseSeconds(name, Environment.GetEnvironmentVariable(name), range);
        }
        catch (ArgumentException ex)
        {
            throw new SweepConfigurationException(ex.Message);
        }
    }

    private static int? Int(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SweepConfigurationException($"{name}={text} is not a positive whole number");
    }
}
