namespace Sweep.Grains.Contracts;

/// <summary>A trial handed to one trainer slot until <paramref name="ExpiresAt"/> (renewed by progress reports).</summary>
/// <param name="Steps">Steps the coordinator knew the trial had done when it was leased.</param>
[GenerateSerializer, Immutable]
public sealed record TrialLease(
    [property: Id(0)] TrialSpec Spec,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Attempt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] int Steps = 0);
