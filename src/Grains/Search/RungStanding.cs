namespace Sweep.Grains.Search;

/// <summary>One trial's metric at a rung, as a decision saw it.</summary>
[GenerateSerializer, Immutable]
public sealed record RungStanding([property: Id(0)] string TrialId, [property: Id(1)] double Metric);
