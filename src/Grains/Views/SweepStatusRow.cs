using Sweep.Grains.Contracts;

namespace Sweep.Grains.Views;

/// <summary>One sweep's counts as <c>sweep status</c> prints them and the dashboard's <c>/api/sweeps</c> serves them (JSON: camelCase).</summary>
public sealed record SweepStatusRow(
    string SweepId,
    string State,
    DateTimeOffset CreatedAt,
    int Total,
    int Pending,
    int Running,
    int Completed,
    int Diverged,
    int Failed,
    int Cancelled)
{
    public static SweepStatusRow From(SweepDefinition sweep, IReadOnlyDictionary<string, (TrialStatus Status, int Steps)> statuses)
    {
        var counts = sweep.Trials
            .Select(t => statuses.TryGetValue(t.TrialId, out var s) ? s.Status : TrialStatus.Pending)
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        int Count(TrialStatus s) => counts.GetValueOrDefault(s);
        var unfinished = Count(TrialStatus.Pending) + Count(TrialStatus.Running);
        var state = unfinished == 0 ? "finished" : Count(TrialStatus.Running) > 0 ? "running" : "pending";
        return new(sweep.SweepId, state, sweep.CreatedAt, sweep.Trials.Length, Count(TrialStatus.Pending), Count(TrialStatus.Running),
            Count(TrialStatus.Completed), Count(TrialStatus.Diverged), Count(TrialStatus.Failed), Count(TrialStatus.Cancelled));
    }
}
