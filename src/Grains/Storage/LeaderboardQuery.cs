namespace Sweep.Grains.Storage;

/// <summary>Filters and order of a leaderboard query. Null filters match everything.</summary>
/// <param name="Metric">One of <see cref="Metrics"/>; rows sorted by it, best first (ties: trialId).</param>
/// <param name="Pruned">
/// Null: every finished trial; false: all but the trials a search pruned at a rung; true: only those. A view that
/// ranks the pruned apart asks twice, so its <paramref name="Top"/> is cut by the store.
/// </param>
public sealed record LeaderboardQuery(
    string? SweepId = null,
    string? Dataset = null,
    string? Architecture = null,
    string Metric = "testAccuracy",
    int? Top = null,
    bool? Pruned = null)
{
    /// <summary>Metric names a leaderboard can be sorted by (camelCase, as in the JSON rows).</summary>
    public static readonly IReadOnlyList<string> Metrics =
        ["testAccuracy", "devAccuracy", "trainAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds"];
}
