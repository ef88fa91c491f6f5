using System.Collections.Immutable;
using Sweep.Grains.Contracts;
using Sweep.Grains.Search;

namespace Sweep.Grains.Grid;

/// <summary>
/// A grid file after validation: every value parsed, defaults filled in, the numeric axes sorted ascending and
/// the studies resolved. Its canonical JSON is what the grid hash covers.
/// </summary>
/// <param name="FilterAxis">The grid's <c>filters</c>; empty when absent (each architecture's own count); every
/// value of <paramref name="FilterRange"/> when that is given.</param>
/// <param name="LearningRates">Empty when <paramref name="LearningRateDistribution"/> is given.</param>
/// <param name="FilterRange">A random search's <c>{"intRange": [lo, hi]}</c> filter counts, else null.</param>
/// <param name="LearningRateDistribution">A random search's learning-rate distribution, else null.</param>
internal sealed record GridSpec(
    string Name,
    ImmutableArray<GridDataset> Datasets,
    ImmutableArray<GridArchitecture> Architectures,
    ImmutableArray<int> FilterAxis,
    ImmutableArray<double> LearningRates,
    ImmutableArray<int> Seeds,
    TrainingSettings Training,
    StudyPlan Studies,
    SearchSpec Search,
    AxisDistribution? FilterRange,
    AxisDistribution? LearningRateDistribution)
{
    /// <summary>How many trials the grid's full cross product has (long: a hostile grid can overflow int).</summary>
    public long TrialCount =>
        Datasets.Length * Architectures.Sum(a => (long)a.Filters.Length) * LearningRates.Length * Seeds.Length;
}
