using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Search;

namespace Sweep.Grains.Views;

/// <summary>
/// The search a sweep runs, as every view shows it: which strategy, its rungs, and which rung a trial has reached.
/// The views ask <see cref="Of(SweepDefinition)"/> (or, from a grid alone, <see cref="Of(string, string)"/>) and nothing else for a sweep's search.
/// </summary>
public static class SweepSearch
{
    /// <summary>The search of <paramref name="sweep"/>, read back from its grid.</summary>
    public static SearchSpec Of(SweepDefinition sweep) => GridCompiler.SearchOf(sweep);

    /// <summary>The search of a sweep from its canonical grid alone (a page of trials carries no definition).</summary>
    public static SearchSpec Of(string sweepId, string gridJson) =>
        GridCompiler.SearchOf(new SweepDefinition(sweepId, "", gridJson, [], new StudyPlan(), default));

    /// <summary>True for anything but the plain grid: random search, or successive halving.</summary>
    public static bool IsSearch(SearchSpec search) => search.IsRandom || search.Asha is not null;

    /// <summary>The rung steps, increasing; empty without successive halving.</summary>
    public static IReadOnlyList<int> Rungs(SearchSpec search) => search.Asha?.Rungs() ?? [];

    /// <summary>The highest rung step at or below <paramref name="steps"/>; null without rungs or below the first rung.</summary>
    public static int? RungOf(IReadOnlyList<int> rungs, int steps)
    {
        int? reached = null;
        foreach (var rung in rungs)
        {
            if (rung <= steps)
            {
                reached = rung;
            }
        }
        return reached;
    }

    /// <summary>
    /// One line: <c>grid</c>, <c>random 20 (seed 7)</c>, <c>ASHA η=3, rungs 50, 150, max 450 steps, asynchronous</c>,
    /// or ASHA over random draws.
    /// </summary>
    public static string Describe(SearchSpec search)
    {
        var random = search.IsRandom
            ? string.Create(CultureInfo.InvariantCulture, $"random {search.RandomTrials} (seed {search.RandomSeed})")
            : null;
        if (search.Asha is not { } asha)
        {
            return random ?? "grid";
        }
        var rungs = string.Join(", ", asha.Rungs());
        var line = string.Create(CultureInfo.InvariantCulture,
            $"ASHA η={asha.ReductionFactor}, rungs {(rungs.Length == 0 ? "none" : rungs)}, max {asha.MaxSteps} steps, {(asha.Synchronous ? "synchronous" : "asynchronous")}, by {asha.Metric}");
        return random is null ? $"{line}, over the grid" : $"{line}, over {random}";
    }
}
