namespace Sweep.Grains.Search;

/// <summary>
/// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020)
/// as the grid's <c>"search": {"asha": {...}}</c> gives it. Rungs are at <see cref="MinSteps"/>·η^k steps below
/// <see cref="MaxSteps"/>; a trial that reaches <see cref="MaxSteps"/> completes.
/// </summary>
/// <param name="Metric">What rungs rank by; <c>devAccuracy</c> (higher is better) is the one metric every rung has.</param>
/// <param name="ReductionFactor">η: the top 1/η of a rung go on.</param>
/// <param name="Synchronous">Rung barriers: every trial that can reach a rung waits there, paused, until the rung is
/// full; the decisions are then a pure function of the grid and its seeds.</param>
[GenerateSerializer, Immutable]
public sealed record AshaSettings(
    [property: Id(0)] string Metric,
    [property: Id(1)] int MinSteps,
    [property: Id(2)] int MaxSteps,
    [property: Id(3)] int ReductionFactor,
    [property: Id(4)] bool Synchronous)
{
    public const string DevAccuracy = "devAccuracy";

    /// <summary>The rung steps in increasing order, the last one below <see cref="MaxSteps"/>.</summary>
    public IReadOnlyList<int> Rungs()
    {
        var rungs = new List<int>();
        for (long step = MinSteps; step < MaxSteps; step *= ReductionFactor)
        {
            rungs.Add((int)step);
        }
        return rungs;
    }
}
