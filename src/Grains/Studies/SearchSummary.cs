namespace Sweep.Grains.Studies;

/// <summary>
/// How a search sweep searched and what it spent: the strategy, the configurations it tried, how many reached each
/// rung, and the steps trained against what the full grid would have trained.
/// </summary>
/// <param name="Strategy"><c>random</c>, <c>asha</c>, or <c>asha</c> over random draws (then <paramref name="RandomTrials"/> is set).</param>
/// <param name="ReductionFactor">ASHA's η; null without successive halving (as are <paramref name="Synchronous"/> and <paramref name="Metric"/>).</param>
/// <param name="Configurations">The configurations the search tried: every planned trial.</param>
/// <param name="StepsTrained">Σ over trials of the steps each trained (a result's steps, else its last known step).</param>
/// <param name="FullGridSteps">Every configuration trained to the maximum: Σ over trials of the maximum steps.</param>
/// <param name="ComputeFraction"><paramref name="StepsTrained"/> / <paramref name="FullGridSteps"/>; null for an empty sweep.</param>
public sealed record SearchSummary(
    string Strategy,
    int? RandomTrials,
    ulong? RandomSeed,
    int? ReductionFactor,
    bool? Synchronous,
    string? Metric,
    int MaxSteps,
    IReadOnlyList<RungReach> Rungs,
    int Configurations,
    long StepsTrained,
    long FullGridSteps,
    double? ComputeFraction);
