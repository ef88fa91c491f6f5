using Sweep.Grains.Contracts;

namespace Sweep.Client.Commands;

/// <summary>
/// One sweep's counts as <c>sweep status</c> prints them (JSON: camelCase). <c>Damaged</c>: trials whose result
/// fails its checksum; they count as unfinished (a resubmit reruns them) but not as pending.
/// </summary>
internal sealed record SweepStatusRow(
    string SweepId,
    string State,
    DateTimeOffset CreatedAt,
    int Total,
    int Pending,
    int Running,
    int Completed,
    int Diverged,
    int Failed,
    int Cancelled,
    int Damaged)
{
    public static SweepStatusRow From(SweepDefinition sweep, IReadOnlyDictionary<string, (TrialStatus Status, int Steps)> statuses, IReadOnlySet<string> damagedTrials)
    {
        var counts = sweep.Trials
            .Where(t => !damagedTrials.Contains(t.TrialId))
            .Select(t => statuses.TryGetValue(t.TrialId, out var s) ? s.Status : TrialStatus.Pending)
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        int Count(TrialStatus s) => counts.GetValueOrDefault(s);
        var damaged = sweep.Trials.Count(t => damagedTrials.Contains(t.TrialId));
        var unfinished = Count(TrialStatus.Pending) + Count(TrialStatus.Running) + damaged;
        var state = unfinished == 0 ? "finished" : Count(TrialStatus.Running) > 0 ? "running" : "pending";
        return new(sweep.SweepId, state, sweep.CreatedAt, sweep.Trials.Length, Count(TrialStatus.Pending), Count(TrialStatus.Running),
            Count(TrialStatus.Completed), Count(TrialStatus.Diverged), Count(TrialStatus.Failed), Count(TrialStatus.Cancelled), damaged);
    }
}
