namespace Sweep.Grains.Contracts;

/// <summary>Where a running trial is: raised by the trial grain about once a second.</summary>
/// <param name="Step">The step training has reached.</param>
/// <param name="CheckpointStep">The step of the newest checkpoint that is durable in the store (where a resume starts).</param>
/// <param name="LeaseId">The lease this attempt runs under (<see cref="TrialLease.LeaseId"/>).</param>
[GenerateSerializer, Immutable]
public sealed record TrialProgressReport(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Step,
    [property: Id(3)] int TotalSteps,
    [property: Id(4)] double BatchCost,
    [property: Id(5)] double DevAccuracy,
    [property: Id(6)] double ImagesPerSecond,
    [property: Id(7)] int CheckpointStep = 0,
    [property: Id(8)] Guid LeaseId = default);
