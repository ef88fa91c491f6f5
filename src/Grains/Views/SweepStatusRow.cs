using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;

namespace Sweep.Grains.Views;

/// <summary>
/// One sweep's counts as <c>sweep status</c> prints them and the dashboard's <c>/api/sweeps</c> serves them (JSON: camelCase). <c>Damaged</c>: trials whose result
/// fails its checksum; they count as unfinished (a resubmit reruns them) but not as pending. <c>Paused</c>: trials
/// waiting at a rung of a successive-halving search (unfinished); <c>Pruned</c>: trials the search stopped at a rung
/// (finished). State: <c>finished</c>, <c>running</c>, <c>paused</c> (nothing running, some waiting at a rung) or
/// <c>pending</c>.
/// </summary>
public sealed record SweepStatusRow(
    string SweepId,
    string State,
    DateTimeOffset CreatedAt,
    int Total,
    int Pending,
    int Running,
    int Paused,
    int Completed,
    int Pruned,
    int Diverged,
    int Failed,
    int Cancelled,
    int Damaged)
{
    /// <summary>
    /// The row of <paramref name="sweep"/> from the store's statuses and its damaged results, every trial's files read
    /// (<c>sweep status --verify</c>): it also finds files damaged on disk since they were written.
    /// </summary>
    public static async Task<SweepStatusRow> ReadAsync(ISweepStore store, SweepDefinition sweep, CancellationToken cancellationToken)
    {
        var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
        var damaged = (await store.GetDamageAsync(sweep.SweepId, cancellationToken))
            .Where(d => d.Kind == StoreDamageKind.Result).Select(d => d.TrialId!).ToHashSet(StringComparer.Ordinal);
        return From(sweep, statuses, damaged);
    }

    public static SweepStatusRow From(SweepDefinition sweep, IReadOnlyDictionary<string, (TrialStatus Status, int Steps)> statuses, IReadOnlySet<string> damagedTrials)
    {
        var counts = sweep.Trials
            .Where(t => !damagedTrials.Contains(t.TrialId))
            .Select(t => statuses.TryGetValue(t.TrialId, out var s) ? s.Status : TrialStatus.Pending)
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var damaged = sweep.Trials.Where(t => damagedTrials.Contains(t.TrialId)).Select(t => t.TrialId).ToList();
        return From(new SweepCounts(sweep.SweepId, sweep.CreatedAt, sweep.Trials.Length, counts, damaged));
    }

    /// <summary>The row of a sweep from the store's aggregate counts (<see cref="ISweepStore.GetSweepCountsAsync"/>).</summary>
    public static SweepStatusRow From(SweepCounts counts)
    {
        int Count(TrialStatus s) => counts.Count(s);
        var damaged = counts.DamagedTrials.Count;
        var unfinished = Count(TrialStatus.Pending) + Count(TrialStatus.Running) + Count(TrialStatus.Paused) + damaged;
        var state = unfinished == 0 ? "finished"
            : Count(TrialStatus.Running) > 0 ? "running"
            : Count(TrialStatus.Paused) > 0 ? "paused"
            : "pending";
        return new(counts.SweepId, state, counts.CreatedAt, counts.Total, Count(TrialStatus.Pending), Count(TrialStatus.Running),
            Count(TrialStatus.Paused), Count(TrialStatus.Completed), Count(TrialStatus.Pruned), Count(TrialStatus.Diverged),
            Count(TrialStatus.Failed), Count(TrialStatus.Cancelled), damaged);
    }
}
