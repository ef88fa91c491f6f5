namespace Sweep.Grains.Contracts;

/// <summary>A trial under <paramref name="LeaseId"/> reached the rung at <paramref name="Step"/> with <paramref name="Metric"/>.</summary>
/// <param name="CheckpointStep">Steps of its newest durable checkpoint (the rung's own, unless that write failed).</param>
[GenerateSerializer, Immutable]
public sealed record RungReport(
    [property: Id(0)] string TrialId,
    [property: Id(1)] Guid LeaseId,
    [property: Id(2)] int Step,
    [property: Id(3)] double Metric,
    [property: Id(4)] int CheckpointStep);
