using System.Text.Json.Serialization;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Grains.Contracts;

/// <summary>The grid's <c>training</c> block, shared by every trial of a sweep.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingSettings
{
    /// <summary><see cref="CheckpointEvery"/> for the grid's <c>"auto"</c>: <see cref="CheckpointInterval.Default"/>.</summary>
    public const int AutoCheckpointEvery = -1;

    /// <summary>How a grid file, the canonical grid and the views spell <see cref="AutoCheckpointEvery"/>.</summary>
    public const string AutoCheckpointEveryKeyword = "auto";

    [Id(0)] public int BatchSize { get; init; } = 128;
    [Id(1)] public int Steps { get; init; } = 2000;
    [Id(2)] public int EvalEvery { get; init; } = 100;
    [Id(3)] public int DevSize { get; init; } = 5000;
    [Id(4)] public int Patience { get; init; }
    [Id(5)] public double MinDelta { get; init; } = 1e-3;
    /// <summary>Steps between checkpoints; 0 = none while training; <see cref="AutoCheckpointEvery"/> (the default) =
    /// sized to the network (<see cref="CheckpointInterval.Default"/>).</summary>
    [Id(6)] public int CheckpointEvery { get; init; } = AutoCheckpointEvery;
    [Id(7)] public Activation Activation { get; init; } = Activation.Relu;
    [Id(8)] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    [Id(9)] public int Threads { get; init; } = 1;

    /// <summary>Whether <see cref="CheckpointEvery"/> is the grid's <c>"auto"</c> (derived, so never stored).</summary>
    [JsonIgnore]
    public bool HasAutoCheckpoints => CheckpointEvery == AutoCheckpointEvery;

    /// <summary>The model's options for one trial of this sweep, whose network is <paramref name="architecture"/> on
    /// <paramref name="input"/> images of <paramref name="classes"/> classes.</summary>
    public TrainingOptions ToOptions(double learningRate, int seed, ArchitectureSpec architecture, ImageShape input, int classes) => new()
    {
        LearningRate = learningRate,
        Seed = seed,
        BatchSize = BatchSize,
        Steps = Steps,
        EvalEvery = EvalEvery,
        DevSize = DevSize,
        Patience = Patience,
        MinDelta = MinDelta,
        CheckpointEvery = HasAutoCheckpoints
            ? CheckpointInterval.Default(architecture, input, classes, BatchSize)
            : CheckpointEvery,
        Activation = Activation,
        Optimizer = Optimizer,
        Threads = Threads,
    };
}
