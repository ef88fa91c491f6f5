namespace Sweep.Grains.Search;

/// <summary>
/// How a sweep searches, from the grid's optional <c>search</c> field. <see cref="Grid"/> (the field absent or
/// <c>"grid"</c>) runs every grid point to the end. Random search draws <see cref="RandomTrials"/> configurations from
/// the grid's axes with <see cref="RandomSeed"/>; ASHA (<see cref="Asha"/>) stops the weak ones at rungs, over the
/// grid's points or over random draws.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SearchSpec(
    [property: Id(0)] int? RandomTrials,
    [property: Id(1)] ulong? RandomSeed,
    [property: Id(2)] AshaSettings? Asha)
{
    public static readonly SearchSpec Grid = new(null, null, null);

    public bool IsRandom => RandomTrials is not null;
}
