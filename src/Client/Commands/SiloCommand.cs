using System.CommandLine;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep silo</c>: runs a silo until Ctrl+C / SIGTERM. With --postgres it joins that cluster; without, it runs
/// embedded on the local store (resuming any unfinished sweep there).
/// </summary>
internal static class SiloCommand
{
    public static Command Create(CliConsole console)
    {
        var postgres = new Option<string?>("--postgres") { HelpName = "connection-string", Description = $"Cluster database (default: --cluster or ${SweepHosting.PostgresVariable}); none = embedded" };
        var postgresFile = new Option<string?>("--postgres-file") { HelpName = "file", Description = $"File holding the cluster database's connection string (default: --cluster-file or ${ConnectionStringSource.FileVariable})" };
        var slots = new Option<int?>("--slots") { HelpName = "n", Description = "Trials trained at once (default: the machine's cores)" };
        var cores = CommonOptions.WholeNumber("--cores", "n", "Cores the trials share; idle ones speed up running trials (default: the machine's cores)", min: 1);
        var port = new Option<int>("--port") { HelpName = "port", Description = "Silo-to-silo port (default 11111 on a cluster, a free port embedded)" };
        var gatewayPort = new Option<int>("--gateway-port") { HelpName = "port", Description = "Client gateway port (default 30000 on a cluster, a free port embedded)" };
        var advertise = new Option<string?>("--advertise") { HelpName = "ip", Description = "IP address other machines reach this silo at (default: the first non-loopback IPv4)" };
        var lease = new Option<double?>("--lease-timeout")
        {
            HelpName = "seconds",
            Description = $"Cluster: a running trial not heard from for this long is handed to another silo (default {ClusterTimeouts.DefaultLeaseTimeout.TotalSeconds:0})",
        };
        var detection = new Option<double?>("--failure-detection")
        {
            HelpName = "seconds",
            Description = $"Cluster: about how long an unreachable silo stays a member before it is declared dead (default {ClusterTimeouts.DefaultFailureDetection.TotalSeconds:0})",
        };
        var healthPort = new Option<int>("--health-port")
        {
            HelpName = "port",
            Description = $"Serve GET /health (200 ok, or 503 and why) on this port (default: ${HealthVariable}, else none)",
        };
        var dashboard = new Option<bool>("--dashboard") { Description = "Also serve the web dashboard (see 'sweep dashboard') over this silo's store" };
        var dashboardPort = new Option<int>("--dashboard-port") { HelpName = "port", Description = "Dashboard TCP port", DefaultValueFactory = _ => 8080 };
        var dashboardBind = new Option<string>("--dashboard-bind") { HelpName = "ip", Description = "Dashboard address (default 127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("silo", "Run a silo (a worker of the cluster) until stopped") { postgres, postgresFile, slots, cores, port, gatewayPort, advertise, lease, detection, healthPort, dashboard, dashboardPort, dashboardBind };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(slots);
            if (n is <= 0)
            {
                throw new CliException($"--slots must be at least 1, not {n}");
            }
            var cs = CommonOptions.ConnectionString(parse, postgres, postgresFile);
            var cluster = cs is not null;
            var options = CommonOptions.HostOptions(parse) with
            {
                PostgresConnectionString = cs,
                TrainerSlots = n,
                Cores = parse.GetValue(cores),
                SiloPort = parse.GetValue(port) is > 0 and var p ? p : cluster ? 11111 : 0,
                GatewayPort = parse.GetValue(gatewayPort) is > 0 and var g ? g : cluster ? 30000 : 0,
                AdvertisedAddress = parse.GetValue(advertise),
                LeaseTimeout = CommonOptions.Seconds(parse, lease, ClusterTimeouts.LeaseRange),
                FailureDetection = CommonOptions.Seconds(parse, detection, ClusterTimeouts.FailureDetectionRange),
                HealthPort = HealthPort(parse.GetValue(healthPort)),
            };
            await console.Error.WriteLineAsync(cluster
                ? $"silo starting (cluster), {SweepHosting.RuntimeOptions(options).TrainerSlots} trainer slot(s); Ctrl+C to stop"
                : $"silo starting (embedded, store {options.StoreDirectory}); Ctrl+C to stop");
            if (parse.GetValue(dashboard))
            {
                await DashboardCommand.RunSiloWithDashboardAsync(console, options, parse.GetValue(dashboardPort), parse.GetValue(dashboardBind)!, ct);
                return 0;
            }
            await SweepHosting.RunUntilStoppedAsync(options, ct);
            return 0;
        });
        return command;
    }

    private const string HealthVariable = "SWEEP_HEALTH_PORT";

    private static int HealthPort(int option)
    {
        if (option != 0)
        {
            return option is > 0 and <= 65535 ? option : throw new CliException($"--health-port must be 1–65535, not {option}");
        }
        var text = Environment.GetEnvironmentVariable(HealthVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }
        return int.TryParse(text, out var port) && port is > 0 and <= 65535
            ? port
            : throw new CliException($"{HealthVariable}={text} is not a port (1–65535)");
    }
}
