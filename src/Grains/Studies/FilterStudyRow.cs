using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>One filter count of a filter-count study, with its gain over the smallest count (null for that one).</summary>
public sealed record FilterStudyRow(
    int Filters,
    SummaryStat? TestAccuracy,
    SummaryStat? TestWeightedF1,
    SummaryStat? TestWeightedAreaRatio,
    ComparisonResult? GainOverSmallest);
