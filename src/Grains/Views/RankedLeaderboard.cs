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

    /// <summary>
    /// Reads the board in two queries, so the store cuts the ranking at the query's top: the ranked rows (all but the
    /// pruned), then every pruned row.
    /// </summary>
    public static async Task<RankedLeaderboard> ReadAsync(ISweepStore store, LeaderboardQuery query, CancellationToken cancellationToken) =>
        new(await store.QueryLeaderboardAsync(query with { Pruned = false }, cancellationToken),
            await store.QueryLeaderboardAsync(query with { Pruned = true, Top = null }, cancellationToken));

    /// <summary>
    /// As <see cref="ReadAsync"/>, with the result behind every row shown verified end to end
    /// (<see cref="ISweepStore.VerifyResultsAsync"/>): a damaged one is left out and listed in the damage, and the
    /// next row takes its place in the top. Cost: the rows shown, not the store.
    /// </summary>
    public static async Task<(RankedLeaderboard Board, IReadOnlyList<StoreDamage> Damage)> ReadVerifiedAsync(
        ISweepStore store, LeaderboardQuery query, CancellationToken cancellationToken)
    {
        var damage = new Dictionary<string, StoreDamage>(StringComparer.Ordinal);
        var verified = new HashSet<string>(StringComparer.Ordinal);
        async Task<List<LeaderboardRow>> Intact(IReadOnlyList<LeaderboardRow> rows)
        {
            var unverified = rows.Where(r => verified.Add(r.TrialId)).ToList();
            foreach (var found in unverified.Count == 0 ? [] : await store.VerifyResultsAsync(unverified, cancellationToken))
            {
                damage[found.TrialId!] = found;
            }

            return [.. rows.Where(r => !damage.ContainsKey(r.TrialId))];
        }

        var pruned = await Intact(await store.QueryLeaderboardAsync(query with { Pruned = true, Top = null }, cancellationToken));
        var fetch = query.Top;
        List<LeaderboardRow> ranked;
        while (true)
        {
            var rows = await store.QueryLeaderboardAsync(query with { Pruned = false, Top = fetch }, cancellationToken);
            ranked = await Intact(rows);
            if (query.Top is not { } top || ranked.Count >= top || rows.Count < fetch)
            {
                break;
            }

            // Some of the top were damaged: ask for as many more as were left out.
            fetch = fetch + top - ranked.Count;
        }

        return (new RankedLeaderboard([.. ranked.Take(query.Top ?? int.MaxValue)], pruned), [.. damage.Values]);
    }

    /// <summary>Rows in the store's order, split; <paramref name="top"/> cuts the main ranking.</summary>
    public static RankedLeaderboard Of(IEnumerable<LeaderboardRow> rows, int? top)
    {
        var all = rows.ToList();
        var ranked = all.Where(r => r.Status != TrialStatus.Pruned);
        return new([.. top is { } n ? ranked.Take(n) : ranked], [.. all.Where(r => r.Status == TrialStatus.Pruned)]);
    }
}
