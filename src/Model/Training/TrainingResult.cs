using Sweep.Model.Metrics;

namespace Sweep.Model.Training;

/// <summary>The end of a training run: how it ended, its curve and its final metrics.</summary>
/// <param name="Steps">Optimiser steps completed.</param>
/// <param name="Train">Metrics on the training split (without the dev images).</param>
/// <param name="TestPredictions">Per-image probabilities on the test set.</param>
public sealed record TrainingResult(
    TrialOutcome Outcome,
    int Steps,
    IReadOnlyList<CurvePoint> Curve,
    Evaluation? Train,
    Evaluation? Dev,
    Evaluation? Test,
    Predictions? DevPredictions,
    Predictions? TestPredictions,
    double WallSeconds);
