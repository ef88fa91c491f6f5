namespace Sweep.Grains.Studies.Statistics;

/// <summary>
/// McNemar's exact test over all seeds: <see cref="PooledPValue"/> is the exact test on the discordant counts
/// summed over seeds; <see cref="FisherPValue"/> combines the per-seed p-values by Fisher's method. Both assume
/// independent seeds; since every seed is scored on the same test images they are optimistic with more than one
/// seed (see <see cref="ComparisonResult.Significant"/>).
/// </summary>
public sealed record McNemarSummary(
    int BaselineOnlyCorrect,
    int CandidateOnlyCorrect,
    double PooledPValue,
    double FisherPValue);
