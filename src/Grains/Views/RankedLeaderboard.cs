using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;

namespace Sweep.Grains.Views;

/// <summary>
/// A leaderboard as <c>sweep leaderboard</c> and the dashboard show it: the trials that ran to their end (completed,
/// diverged, …) ranked by the metric, and apart from them the trials a search pruned at a rung, ranked by the same
/// metric among themselves (their metrics are from fewer steps, so they never take a place in the main ranking).
/// The query's <c>Top</c> cuts <see cref="Ranked"/> only. JSON: one array, the ranked rows then the pruned ones
/// (status <c>pruned</c>), so a grid sweep's array is what it always was.
/// </summary>
public sealed record RankedLeaderboard(IReadOnlyList<LeaderboardRow> Ranked, IReadOnlyList<LeaderboardRow> Pruned)
{
    /// <summary>The ranked rows, then the pruned ones.</summary>
    public IReadOnlyList<LeaderboardRow> Rows => [.. Ranked, .. Pruned];

    /// <summary>Reads every row the query matches and splits them.</summary>
    public static async Task<RankedLeaderboard> ReadAsync(ISweepStore store, LeaderboardQuery query, CancellationToken cancellationToken) =>
        Of(await store.QueryLeaderboardAsync(query with { Top = null }, cancellationToken), query.Top);

    /// <summary>Rows in the store's order, split; <paramref name="top"/> cuts the main ranking.</summary>
    public static RankedLeaderboard Of(IEnumerable<LeaderboardRow> rows, int? top)
    {
        var all = rows.ToList();
        var ranked = all.Where(r => r.Status != TrialStatus.Pruned);
        return new([.. top is { } n ? ranked.Take(n) : ranked], [.. all.Where(r => r.Status == TrialStatus.Pruned)]);
    }
}
