using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Training;

/// <summary>The result records a trial leaves: from a finished training run, or for a trial that never finished one.</summary>
internal static class TrialResults
{
    public static TrialResultRecord FromTraining(TrialSpec spec, TrainingResult result, TrialStatus status) => new(
        Row(spec, status, result.Steps, result.Train?.Accuracy ?? 0, result.Dev?.Accuracy ?? 0, result.Test?.Accuracy ?? 0,
            result.Test?.WeightedF1 ?? 0, result.Test?.WeightedAreaRatio ?? 0, result.WallSeconds),
        result.Curve, result.Train, result.Dev, result.Test, result.DevPredictions, result.TestPredictions);

    /// <summary>A trial that ends without metrics (cancelled before it ran, or failed): zeros, never NaN.</summary>
    public static TrialResultRecord Empty(TrialSpec spec, TrialStatus status, int steps, double wallSeconds) =>
        new(Row(spec, status, steps, 0, 0, 0, 0, 0, wallSeconds), [], null, null, null, null, null);

    /// <summary>A trial whose training threw: no metrics, and the exception's message kept with the result.</summary>
    public static TrialResultRecord Failed(TrialSpec spec, int steps, double wallSeconds, string error) =>
        Empty(spec, TrialStatus.Failed, steps, wallSeconds) with { Error = error };

    public static TrialResultRecord Cancelled(TrialSpec spec, int steps) => Empty(spec, TrialStatus.Cancelled, steps, 0);

    public static TrialStatus StatusOf(TrialOutcome outcome) => outcome switch
    {
        TrialOutcome.Completed => TrialStatus.Completed,
        TrialOutcome.Diverged => TrialStatus.Diverged,
        TrialOutcome.Cancelled => TrialStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown training outcome."),
    };

    private static LeaderboardRow Row(TrialSpec spec, TrialStatus status, int steps, double train, double dev, double test, double f1, double area, double wall) =>
        new(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed,
            status, steps, train, dev, test, f1, area, wall);
}
