namespace Sweep.Grains.Storage;

/// <summary>Filters and order of a leaderboard query. Null filters match everything.</summary>
/// <param name="Metric">One of <see cref="Metrics"/>; rows sorted by it, best first (ties: trialId).</param>
public sealed record LeaderboardQuery(
    string? SweepId = null,
    string? Dataset = null,
    string? Architecture = null,
    string Metric = "testAccuracy",
    int? Top = null)
{
    /// <summary>Metric names a leaderboard can be sorted by (camelCase, as in the JSON rows).</summary>
    public static readonly IReadOnlyList<string> Metrics =
        ["testAccuracy", "devAccuracy", "trainAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds"];
}
