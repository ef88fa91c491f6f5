namespace Sweep.Grains.Studies.Paper;

/// <summary>One column of the paper's accuracy table with its weighted test F1 and area ratio.</summary>
/// <param name="DevAccuracy">Null where the paper's value is a typo (MNIST Keras: 0.0832).</param>
public sealed record PaperModelResult(
    string Model,
    double TrainAccuracy,
    double? DevAccuracy,
    double TestAccuracy,
    double WeightedF1,
    double WeightedAreaRatio,
    string? Note);
