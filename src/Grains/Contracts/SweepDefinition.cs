using System.Collections.Immutable;

namespace Sweep.Grains.Contracts;

/// <summary>
/// A validated, expanded grid. <paramref name="GridHash"/> is the SHA-256 (hex) of the canonical grid JSON: the
/// same name with the same hash is the same sweep; with a different hash it is a conflict.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SweepDefinition(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string GridHash,
    [property: Id(2)] string GridJson,
    [property: Id(3)] ImmutableArray<TrialSpec> Trials,
    [property: Id(4)] StudyPlan Studies,
    [property: Id(5)] DateTimeOffset CreatedAt);
