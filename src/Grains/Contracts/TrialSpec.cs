namespace Sweep.Grains.Contracts;

/// <summary>
/// One point of the grid: everything that determines a trial. <paramref name="TrialId"/> is
/// <c>{sweepId}.{dataset}.{architecture}.f{filters}.lr{learningRate:R}.s{seed}</c> (filters 0 for architectures
/// without convolution); every part is restricted to [A-Za-z0-9_-] (lr in invariant round-trip form), so the id
/// is also a safe file name.
/// </summary>
/// <param name="Architecture">The grid's name for the architecture (a preset name or a named custom stack).</param>
/// <param name="ArchitectureText">What <c>ArchitectureSpec.Parse</c> takes (preset name or layer stack).</param>
[GenerateSerializer, Immutable]
public sealed record TrialSpec(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string SweepId,
    [property: Id(2)] DatasetRef Dataset,
    [property: Id(3)] string Architecture,
    [property: Id(4)] string ArchitectureText,
    [property: Id(5)] int Filters,
    [property: Id(6)] double LearningRate,
    [property: Id(7)] int Seed,
    [property: Id(8)] TrainingSettings Training);
