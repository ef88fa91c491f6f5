using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Views;

/// <summary>
/// One trial as <c>sweep trials</c> prints it and the dashboard's <c>/api/sweeps/{id}/trials</c> serves it: the leaderboard row's fields, with the metrics null until the trial
/// has a result, and <c>error</c> (why a Failed trial failed, or which file is damaged and why) null when there is
/// none (JSON: camelCase). Status: a trial status in lower case, or <c>damaged</c> when its result fails its checksum.
/// </summary>
public sealed record TrialRow(
    string TrialId,
    string SweepId,
    string Dataset,
    string Architecture,
    int Filters,
    double LearningRate,
    int Seed,
    string Status,
    int Steps,
    double? TrainAccuracy,
    double? DevAccuracy,
    double? TestAccuracy,
    double? TestWeightedF1,
    double? TestWeightedAreaRatio,
    double? WallSeconds,
    string? Error)
{
    /// <summary>The status a trial whose result fails its checksum is shown with.</summary>
    public const string DamagedStatus = "damaged";

    public static TrialRow From(LeaderboardRow r, string? error) => new(
        r.TrialId, r.SweepId, r.Dataset, r.Architecture, r.Filters, r.LearningRate, r.Seed, Name(r.Status), r.Steps,
        r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds, error);

    public static TrialRow Unfinished(TrialSpec t, TrialStatus status, int steps) => new(
        t.TrialId, t.SweepId, t.Dataset.Name, t.Architecture, t.Filters, t.LearningRate, t.Seed, Name(status), steps,
        null, null, null, null, null, null, null);

    /// <summary>A trial whose result is damaged: no metrics, and the file and reason as its error.</summary>
    public static TrialRow Damaged(TrialSpec t, int steps, string location, string reason) => new(
        t.TrialId, t.SweepId, t.Dataset.Name, t.Architecture, t.Filters, t.LearningRate, t.Seed, DamagedStatus, steps,
        null, null, null, null, null, null, $"{location}: {reason}");

    public static string Name(TrialStatus status) => status.ToString().ToLowerInvariant();
}
