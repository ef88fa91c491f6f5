using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;

namespace Sweep.Grains.Views;

/// <summary>
/// One trial as <c>sweep trials</c> prints it and the dashboard's <c>/api/sweeps/{id}/trials</c> serves it: the leaderboard row's fields, with the metrics null until the trial
/// has a result, and <c>error</c> (why a Failed trial failed, or which file is damaged and why) null when there is
/// none (JSON: camelCase). Status: a trial status in lower case (<c>paused</c> waits at a rung, <c>pruned</c> was stopped at
/// one), or <c>damaged</c> when its result fails its checksum. <c>Rung</c>: the highest rung step at or below the trial's
/// steps in a successive-halving sweep; null in a grid sweep or below the first rung.
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
    string? Error,
    int? Rung = null)
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

    /// <summary>A trial of a page the store read (<see cref="ISweepStore.GetTrialPageAsync"/>): damaged, finished, or not yet.</summary>
    public static TrialRow Of(TrialListing t) => t switch
    {
        { Damage: { } d } => new(t.TrialId, t.SweepId, t.Dataset, t.Architecture, t.Filters, t.LearningRate, t.Seed, DamagedStatus, t.Steps,
            null, null, null, null, null, null, $"{d.Location}: {d.Reason}"),
        { Result: { } row } => From(row, t.Error),
        _ => new(t.TrialId, t.SweepId, t.Dataset, t.Architecture, t.Filters, t.LearningRate, t.Seed, Name(t.Status), t.Steps,
            null, null, null, null, null, null, null),
    };

    /// <summary>This row with its rung among <paramref name="rungs"/> (see <see cref="SweepSearch.RungOf"/>).</summary>
    public TrialRow OnRungs(IReadOnlyList<int> rungs) => this with { Rung = SweepSearch.RungOf(rungs, Steps) };

    public static string Name(TrialStatus status) => status.ToString().ToLowerInvariant();
}
