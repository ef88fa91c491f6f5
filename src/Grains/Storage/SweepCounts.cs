using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage;

/// <summary>
/// One sweep's trials counted by status, from an aggregate of the store (no trial is read one by one).
/// Every trial is counted once: under its status (Pending when it has none yet), or, when its result is damaged, in
/// <see cref="DamagedTrials"/> instead.
/// </summary>
/// <param name="Total">The sweep's number of trials.</param>
public sealed record SweepCounts(
    string SweepId,
    DateTimeOffset CreatedAt,
    int Total,
    IReadOnlyDictionary<TrialStatus, int> Statuses,
    IReadOnlyList<string> DamagedTrials)
{
    /// <summary>Trials with <paramref name="status"/> (damaged ones apart).</summary>
    public int Count(TrialStatus status) => Statuses.GetValueOrDefault(status);
}
