using Npgsql;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Hosting;

/// <summary>
/// Whether this silo can do its work: it is an active member of the cluster and its store answers. Also which
/// trials have a live activation here (what <c>GET /trials</c> lists).
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

    /// <summary>Trial ids with an activation on this silo (running, or finished and not yet collected).</summary>
    public async Task<IReadOnlyList<string>> TrialsHereAsync()
    {
        var trialType = grains.GetGrain<ITrialGrain>("-").GetGrainId().Type;
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo.SiloAddress]);
        return statistics
            .Where(s => s.GrainId.Type.Equals(trialType) && s.SiloAddress.Equals(silo.SiloAddress))
            .Select(s => s.GrainId.Key.ToString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
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
