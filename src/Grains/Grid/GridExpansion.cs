using System.Collections.Immutable;
using System.Globalization;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>
/// The cross product of a validated grid, in a fixed order: datasets and architectures in file order, then
/// filter counts, learning rates and seeds ascending (the last varies fastest).
/// </summary>
internal static class GridExpansion
{
    public static ImmutableArray<TrialSpec> Trials(GridSpec grid)
    {
        var trials = ImmutableArray.CreateBuilder<TrialSpec>(checked((int)grid.TrialCount));
        foreach (var dataset in grid.Datasets)
        {
            foreach (var architecture in grid.Architectures)
            {
                // Architectures without convolution have Filters = [0]: the filter axis does not multiply them.
                foreach (var filters in architecture.Filters)
                {
                    foreach (var learningRate in grid.LearningRates)
                    {
                        foreach (var seed in grid.Seeds)
                        {
                            trials.Add(new TrialSpec(
                                TrialId(grid.Name, dataset.Ref.Name, architecture.Name, filters, learningRate, seed),
                                grid.Name,
                                dataset.Ref,
                                architecture.Name,
                                architecture.Spec,
                                filters,
                                learningRate,
                                seed,
                                dataset.Training));
                        }
                    }
                }
            }
        }

        return trials.MoveToImmutable();
    }

    /// <summary><c>{sweepId}.{dataset}.{architecture}.f{filters}.lr{learningRate:R}.s{seed}</c> (TrialSpec).</summary>
    public static string TrialId(string sweepId, string dataset, string architecture, int filters, double learningRate, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{sweepId}.{dataset}.{architecture}.f{filters}.lr{learningRate:R}.s{seed}");
}
