namespace Sweep.Model.Training;

/// <summary>
/// Everything that, with the architecture and the data, determines a training run bit for bit.
/// Defaults are the paper's (PAPER.md).
/// </summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 1e-3;

    public int Seed { get; init; }

    public int BatchSize { get; init; } = 128;

    /// <summary>Maximum number of optimiser steps.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Evaluate the dev split every this many steps (and at the last step).</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Images split off the training set (seeded) as the dev set; never back-propagated.</summary>
    public int DevSize { get; init; } = 5000;

    /// <summary>
    /// Early stopping: stop after this many consecutive dev evaluations without an improvement of more than
    /// <see cref="MinDelta"/> over the best dev accuracy so far. 0 disables early stopping.
    /// </summary>
    public int Patience { get; init; }

    /// <summary>Minimum dev-accuracy gain that counts as an improvement for <see cref="Patience"/>.</summary>
    public double MinDelta { get; init; } = 1e-3;

    /// <summary>Raise a checkpoint every this many steps (and at the end). 0 = only at the end.</summary>
    public int CheckpointEvery { get; init; } = 500;

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>α of ELU; ignored for ReLU.</summary>
    public double EluAlpha { get; init; } = 1.0;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Threads used inside one trial. Results do not depend on it.</summary>
    public int Threads { get; init; } = 1;
}
