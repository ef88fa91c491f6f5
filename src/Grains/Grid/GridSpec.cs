using System.Collections.Immutable;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>
/// A grid file after validation: every value parsed, defaults filled in, the numeric axes sorted ascending and
/// the studies resolved. Its canonical JSON is what the grid hash covers.
/// </summary>
/// <param name="FilterAxis">The grid's <c>filters</c>; empty when absent (each architecture's own count).</param>
internal sealed record GridSpec(
    string Name,
    ImmutableArray<GridDataset> Datasets,
    ImmutableArray<GridArchitecture> Architectures,
    ImmutableArray<int> FilterAxis,
    ImmutableArray<double> LearningRates,
    ImmutableArray<int> Seeds,
    TrainingSettings Training,
    StudyPlan Studies)
{
    /// <summary>How many trials the grid expands to (long: a hostile grid can overflow int).</summary>
    public long TrialCount =>
        Datasets.Length * Architectures.Sum(a => (long)a.Filters.Length) * LearningRates.Length * Seeds.Length;
}
