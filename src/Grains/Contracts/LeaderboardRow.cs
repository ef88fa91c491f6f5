using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Contracts;

/// <summary>One trial on the leaderboard (contract: DESIGN.md; JSON camelCase names as below).</summary>
[GenerateSerializer, Immutable]
public sealed record LeaderboardRow(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string SweepId,
    [property: Id(2)] string Dataset,
    [property: Id(3)] string Architecture,
    [property: Id(4)] int Filters,
    [property: Id(5)] double LearningRate,
    [property: Id(6)] int Seed,
    [property: Id(7)] TrialStatus Status,
    [property: Id(8)] int Steps,
    [property: Id(9)] double TrainAccuracy,
    [property: Id(10)] double DevAccuracy,
    [property: Id(11)] double TestAccuracy,
    [property: Id(12)] double TestWeightedF1,
    [property: Id(13)] double TestWeightedAreaRatio,
    [property: Id(14)] double WallSeconds);
