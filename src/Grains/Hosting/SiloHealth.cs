using Npgsql;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Hosting;

/// <summary>
/// Whether this silo can do its work: it is an active member of the cluster and its store answers. Also which
/// trials run here and at which step (what <c>GET /trials</c> lists).
/// </summary>
public sealed class SiloHealth(SweepHostOptions options, IClusterMembershipService membership, ILocalSiloDetails silo, IGrainFactory grains)
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when healthy, else one line saying what is wrong.</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return $"silo {silo.SiloAddress} is not an active cluster member (status {status})";
        }
        return options.IsCluster ? await PostgresProblemAsync(cancellationToken) : LocalProblem();
    }

    /// <summary>
    /// The trials the coordinators of the active sweeps have running on this silo, with the step each last
    /// reported (live, not the checkpoint step the store shows), ordered by trial id.
    /// </summary>
    public async Task<IReadOnlyList<(string TrialId, int Step)>> TrialsHereAsync()
    {
        var here = silo.SiloAddress.ToString();
        var running = new List<(string TrialId, int Step)>();
        foreach (var sweep in await grains.GetGrain<ISweepRegistryGrain>(0).GetActiveAsync())
        {
            var trials = await grains.GetGrain<ISweepGrain>(sweep).GetTrialsAsync();
            running.AddRange(trials.Where(t => t.Status == TrialStatus.Running && t.Silo == here).Select(t => (t.TrialId, t.Step)));
        }
        return running.OrderBy(t => t.TrialId, StringComparer.Ordinal).ToList();
    }

    private async Task<string?> PostgresProblemAsync(CancellationToken cancellationToken)
    {
        // A connection of its own (no pool): a pooled one the server has just terminated would report a stale failure.
        var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString)
        {
            Pooling = false,
            Timeout = (int)StoreTimeout.TotalSeconds,
            CommandTimeout = (int)StoreTimeout.TotalSeconds,
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return $"the store (PostgreSQL at {builder.Host}:{builder.Port}) does not answer: {OneLine(ex.Message)}";
        }
    }

    private string? LocalProblem() =>
        Directory.Exists(options.StoreDirectory) ? null : $"the store directory {options.StoreDirectory} is missing";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
