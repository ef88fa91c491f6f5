using Sweep.Model.Training;

namespace Sweep.Grains.Contracts;

/// <summary>The grid's <c>training</c> block, shared by every trial of a sweep.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingSettings
{
    [Id(0)] public int BatchSize { get; init; } = 128;
    [Id(1)] public int Steps { get; init; } = 2000;
    [Id(2)] public int EvalEvery { get; init; } = 100;
    [Id(3)] public int DevSize { get; init; } = 5000;
    [Id(4)] public int Patience { get; init; }
    [Id(5)] public double MinDelta { get; init; } = 1e-3;
    [Id(6)] public int CheckpointEvery { get; init; } = 500;
    [Id(7)] public Activation Activation { get; init; } = Activation.Relu;
    [Id(8)] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    [Id(9)] public int Threads { get; init; } = 1;

    /// <summary>The model's options for one trial of this sweep.</summary>
    public TrainingOptions ToOptions(double learningRate, int seed) => new()
    {
        LearningRate = learningRate,
        Seed = seed,
        BatchSize = BatchSize,
        Steps = Steps,
        EvalEvery = EvalEvery,
        DevSize = DevSize,
        Patience = Patience,
        MinDelta = MinDelta,
        CheckpointEvery = CheckpointEvery,
        Activation = Activation,
        Optimizer = Optimizer,
        Threads = Threads,
    };
}
