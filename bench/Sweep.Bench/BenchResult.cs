namespace Sweep.Bench;

/// <summary>One line of the training benchmark; <see cref="FlopsPerImage"/> is the forward pass,
/// <see cref="TrainGflops"/> = <see cref="TrainImagesPerSecond"/> × <see cref="TrainFlopsPerImage"/>.</summary>
internal sealed record BenchResult(
    string Arch,
    int Filters,
    string Shape,
    double TrainImagesPerSecond,
    double InferImagesPerSecond,
    long FlopsPerImage,
    long TrainFlopsPerImage,
    double TrainGflops);
