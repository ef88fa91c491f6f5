namespace Sweep.Grains.Studies.Statistics;

/// <summary>
/// Mean over seeds of the paired test-accuracy difference (candidate − baseline) with a paired-t confidence
/// interval: mean ± t_{(1+level)/2, n−1}·sd/√n. Interval fields are null with a single seed.
/// </summary>
public sealed record DifferenceEstimate(
    double Mean,
    double? Sd,
    int Pairs,
    double? TQuantile,
    double? CiLow,
    double? CiHigh);
