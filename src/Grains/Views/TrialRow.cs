using Sweep.Grains.Contracts;

namespace Sweep.Grains.Views;

/// <summary>
/// One trial as <c>sweep trials</c> prints it and the dashboard's <c>/api/sweeps/{id}/trials</c> serves it: the leaderboard row's fields, with the metrics null until the trial
/// has a result, and <c>error</c> (why a Failed trial failed) null when there is none (JSON: camelCase).
/// </summary>
public sealed record TrialRow(
    string TrialId,
    string SweepId,
    string Dataset,
    string Architecture,
    int Filters,
    double LearningRate,
    int Seed,
    TrialStatus Status,
    int Steps,
    double? TrainAccuracy,
    double? DevAccuracy,
    double? TestAccuracy,
    double? TestWeightedF1,
    double? TestWeightedAreaRatio,
    double? WallSeconds,
    string? Error)
{
    public static TrialRow From(LeaderboardRow r, string? error) => new(
        r.TrialId, r.SweepId, r.Dataset, r.Architecture, r.Filters, r.LearningRate, r.Seed, r.Status, r.Steps,
        r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds, error);

    public static TrialRow Unfinished(TrialSpec t, TrialStatus status, int steps) => new(
        t.TrialId, t.SweepId, t.Dataset.Name, t.Architecture, t.Filters, t.LearningRate, t.Seed, status, steps,
        null, null, null, null, null, null, null);
}
