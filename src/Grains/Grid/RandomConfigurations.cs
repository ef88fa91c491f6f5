using System.Collections.Immutable;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>
/// The trials of a random search: configuration i (architecture, filter count, learning rate) is drawn from its own
/// SplitMix64 generator, seeded with the i-th output of SplitMix64 started at the search's seed, so the first N
/// configurations never change when more are asked for. Each configuration runs on every dataset × seed, in that
/// order (configurations outermost, so N + k trials begin with the N). A configuration drawn twice (same trial ids)
/// is kept once.
/// </summary>
internal static class RandomConfigurations
{
    /// <summary>SplitMix64's increment (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", 2014).</summary>
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    public static ImmutableArray<TrialSpec> Trials(GridSpec grid)
    {
        var count = grid.Search.RandomTrials ?? throw new InvalidOperationException("The grid is not a random search.");
        var seed = grid.Search.RandomSeed ?? throw new InvalidOperationException("A random search has a seed.");
        var trials = ImmutableArray.CreateBuilder<TrialSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var (architecture, filters, learningRate) = Draw(grid, seed, i);
            foreach (var dataset in grid.Datasets)
            {
                foreach (var trialSeed in grid.Seeds)
                {
                    var id = GridExpansion.TrialId(grid.Name, dataset.Ref.Name, architecture.Name, filters, learningRate, trialSeed);
                    if (seen.Add(id))
                    {
                        trials.Add(new TrialSpec(
                            id, grid.Name, dataset.Ref, architecture.Name, architecture.Spec, filters, learningRate, trialSeed, dataset.Training));
                    }
                }
            }
        }

        return trials.ToImmutable();
    }

    /// <summary>
    /// Configuration <paramref name="index"/>: an architecture chosen uniformly in file order, one of its filter
    /// counts (the list, the intRange's values, its own count, or 0 for a dense one), then a learning rate from the
    /// list (ascending) or the distribution. Always three draws, in this order.
    /// </summary>
    public static (GridArchitecture Architecture, int Filters, double LearningRate) Draw(GridSpec grid, ulong seed, int index)
    {
        var state = Mix(unchecked(seed + ((ulong)(index + 1) * Golden)));
        var architecture = grid.Architectures[NextIndex(ref state, grid.Architectures.Length)];
        var filters = architecture.Filters[NextIndex(ref state, architecture.Filters.Length)];
        var learningRate = grid.LearningRateDistribution is { } distribution
            ? distribution.Sample(NextUnit(ref state))
            : grid.LearningRates[NextIndex(ref state, grid.LearningRates.Length)];
        return (architecture, filters, learningRate);
    }

    private static ulong Next(ref ulong state)
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) by multiply-shift; the bias is below bound / 2^64.</summary>
    private static int NextIndex(ref ulong state, int bound) => (int)(((UInt128)Next(ref state) * (ulong)bound) >> 64);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    private static double NextUnit(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
