namespace Sweep.Grains.Contracts;

/// <summary>Where a running trial is: raised by the trial grain about once a second.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialProgressReport(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Step,
    [property: Id(3)] int TotalSteps,
    [property: Id(4)] double BatchCost,
    [property: Id(5)] double DevAccuracy,
    [property: Id(6)] double ImagesPerSecond);
