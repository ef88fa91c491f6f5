using System.Collections.Immutable;

namespace Sweep.Grains.Contracts;

/// <summary>Progress of a sweep: counts per status, running trials, and an estimate of the time left.</summary>
/// <param name="Paused">Trials waiting at a rung of a successive-halving search (not finished).</param>
/// <param name="Pruned">Trials the search stopped at a rung (finished, with their result at the rung).</param>
/// <param name="StoreProblem">
/// Why the coordinator cannot write to the store right now (a full disk, a read-only store), while that lasts:
/// no trial can start until it is fixed. Null when the store takes writes.
/// </param>
[GenerateSerializer, Immutable]
public sealed record SweepSummary(
    [property: Id(0)] string SweepId,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] int Total,
    [property: Id(3)] int Pending,
    [property: Id(4)] int Running,
    [property: Id(5)] int Completed,
    [property: Id(6)] int Diverged,
    [property: Id(7)] int Failed,
    [property: Id(8)] int Cancelled,
    [property: Id(9)] double? EtaSeconds,
    [property: Id(10)] ImmutableArray<TrialProgressReport> RunningTrials,
    [property: Id(11)] string? StoreProblem = null,
    [property: Id(12)] int Paused = 0,
    [property: Id(13)] int Pruned = 0)
{
    /// <summary>Every trial has ended: none pending, running, or paused at a rung waiting to be promoted or pruned.</summary>
    public bool IsFinished => Pending == 0 && Running == 0 && Paused == 0;
}
