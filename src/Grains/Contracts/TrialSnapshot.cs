using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Contracts;

/// <summary>
/// A trial as the coordinator sees it: config, status, progress, the silo whose slot leased it last
/// (<paramref name="LeasedTo"/>), the silo it trained on (<paramref name="Silo"/>) and the step it resumed from.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialSnapshot(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string Dataset,
    [property: Id(2)] string Architecture,
    [property: Id(3)] int Filters,
    [property: Id(4)] double LearningRate,
    [property: Id(5)] int Seed,
    [property: Id(6)] TrialStatus Status,
    [property: Id(7)] int Step,
    [property: Id(8)] int TotalSteps,
    [property: Id(9)] string? Silo,
    [property: Id(10)] int Attempts,
    [property: Id(11)] int ResumedFromStep,
    [property: Id(12)] string? Error,
    [property: Id(13)] TrialProgressReport? Progress,
    [property: Id(14)] string? LeasedTo);
