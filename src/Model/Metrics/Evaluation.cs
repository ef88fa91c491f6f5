namespace Sweep.Model.Metrics;

/// <summary>Metrics of a network on one split.</summary>
/// <param name="Confusion">Shape: [classes, classes], row = true label, column = predicted label, flattened.</param>
public sealed record Evaluation(
    int Count,
    int Classes,
    double Accuracy,
    double WeightedF1,
    double WeightedAreaRatio,
    IReadOnlyList<ClassMetrics> PerClass,
    int[] Confusion);
