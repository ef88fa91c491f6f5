namespace Sweep.Bench;

/// <summary>One line of the training benchmark.</summary>
internal sealed record BenchResult(
    string Arch,
    int Filters,
    string Shape,
    double TrainImagesPerSecond,
    double InferImagesPerSecond,
    long FlopsPerImage,
    double TrainGflops);
