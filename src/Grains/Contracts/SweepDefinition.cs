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
    [property: Id(5)] DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The hash the same grid file had before <c>checkpointEvery</c> could be <c>"auto"</c> (its default was 500);
    /// null when the grid has no <c>"auto"</c>. Matching it is matching the grid.
    /// </summary>
    [Id(6)] public string? GridHashBeforeAutoCheckpoints { get; init; }

    /// <summary>
    /// Whether this submitted sweep is the <paramref name="stored"/> one: the same grid hash, or the hash this grid
    /// had before <c>"auto"</c> checkpoints (a sweep stored by an earlier version, resumed as it was stored).
    /// </summary>
    public bool HasGridOf(SweepDefinition stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.GridHash == GridHash || (GridHashBeforeAutoCheckpoints is { } before && stored.GridHash == before);
    }
}
