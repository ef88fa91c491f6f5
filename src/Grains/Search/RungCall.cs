using System.Collections.Immutable;

namespace Sweep.Grains.Search;

/// <summary>
/// One decision at a rung, with what it was based on: the trials that had reached the rung when it was made, best
/// first (<see cref="SuccessiveHalving.Rank"/>), and how many of them the rung lets go on. A decision is allowed
/// exactly when <see cref="SuccessiveHalving.Allows"/> says so; recorded decisions can be checked with it.
/// </summary>
/// <param name="Rung">Index into the rung steps (0 = the first rung).</param>
/// <param name="Step">The rung's step: the trial's checkpoint and metric are at this step.</param>
/// <param name="Promotable">max(1, ⌊standings / η⌋): the number of the best standings that go on.</param>
[GenerateSerializer, Immutable]
public sealed record RungCall(
    [property: Id(0)] string TrialId,
    [property: Id(1)] int Rung,
    [property: Id(2)] int Step,
    [property: Id(3)] double Metric,
    [property: Id(4)] RungVerdict Verdict,
    [property: Id(5)] ImmutableArray<RungStanding> Standings,
    [property: Id(6)] int Promotable);
