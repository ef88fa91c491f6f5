namespace Sweep.Grains.Contracts;

/// <summary>The answer to a submission: the sweep as stored, whether it already existed, or why it was refused.</summary>
[GenerateSerializer, Immutable]
public sealed record SubmitOutcome(
    [property: Id(0)] string SweepId,
    [property: Id(1)] bool AlreadyExisted,
    [property: Id(2)] int Trials,
    [property: Id(3)] int Finished,
    [property: Id(4)] string? Error);
