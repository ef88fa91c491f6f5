using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Grains.Hosting;

/// <summary>
/// How a process hosts Sweep. Without <see cref="PostgresConnectionString"/> it is embedded: one silo on
/// localhost, the local directory store under <see cref="StoreDirectory"/>, grain state in memory (rebuilt from
/// the store). With it, the silo joins the cluster whose membership, grain state, reminders and results live in
/// that PostgreSQL database.
/// </summary>
public sealed record SweepHostOptions
{
    /// <summary>Root of the local store (embedded mode). See <see cref="SweepHosting.ResolveStoreDirectory"/>.</summary>
    public string StoreDirectory { get; init; } = SweepHosting.ResolveStoreDirectory(null);

    /// <summary>Root of the catalog datasets; default <c>{StoreDirectory}/data</c>.</summary>
    public string? DataDirectory { get; init; }

    public string? PostgresConnectionString { get; init; }

    /// <summary>Trials trained at once on this silo; default: the machine's cores.</summary>
    public int? TrainerSlots { get; init; }

    /// <summary>Cores this silo's trials share (idle ones go to running trials); default: the machine's cores.</summary>
    public int? Cores { get; init; }

    /// <summary>Silo-to-silo port; 0 picks a free one (the embedded default).</summary>
    public int SiloPort { get; init; }

    /// <summary>Client gateway port; 0 picks a free one (the embedded default).</summary>
    public int GatewayPort { get; init; }

    /// <summary>Address other silos and clients reach this one at (cluster mode); default: the first non-loopback IPv4.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>Orleans and host logs on stderr (off by default so the CLI's output stays clean).</summary>
    public bool Verbose { get; init; }

    /// <summary>Export Sweep's and Orleans' traces and metrics to the console.</summary>
    public bool TelemetryConsole { get; init; }

    /// <summary>Mutual TLS on every Orleans connection with these files; null: plain TCP.</summary>
    public ClusterTlsFiles? Tls { get; init; }

    /// <summary>
    /// How long a trial's lease lives without a progress report before the coordinator hands the trial to another
    /// silo (cluster mode); null = <see cref="ClusterTimeouts.DefaultLeaseTimeout"/>.
    /// </summary>
    public TimeSpan? LeaseTimeout { get; init; }

    /// <summary>
    /// About how long an unreachable silo stays a member before it is declared dead (cluster mode); null =
    /// <see cref="ClusterTimeouts.DefaultFailureDetection"/>.
    /// </summary>
    public TimeSpan? FailureDetection { get; init; }

    /// <summary>How long a grain call waits for its answer; null = 10 s for clients, Orleans' 30 s for silos.</summary>
    public TimeSpan? ResponseTimeout { get; init; }

    /// <summary>TCP port of the HTTP health check (<c>GET /health</c>); 0 = none.</summary>
    public int HealthPort { get; init; }

    public string ClusterId { get; init; } = "sweep";

    public string ServiceId { get; init; } = "sweep";

    /// <summary>More silo configuration from the caller (e.g. the Orleans Dashboard's silo side), applied last.</summary>
    public Action<ISiloBuilder>? ConfigureSiloBuilder { get; init; }

    public bool IsCluster => !string.IsNullOrWhiteSpace(PostgresConnectionString);
}
