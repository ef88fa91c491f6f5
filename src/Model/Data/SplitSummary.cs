namespace Sweep.Model.Data;

/// <summary>What <c>sweep data info</c> shows about one split.</summary>
/// <param name="ClassCounts">Images per label, index = label.</param>
/// <param name="PixelMean">Mean of all pixels (in [0,1]).</param>
/// <param name="PixelStandardDeviation">Population standard deviation of all pixels.</param>
public sealed record SplitSummary(
    string Name,
    int Count,
    ImageShape Shape,
    int Classes,
    IReadOnlyList<int> ClassCounts,
    double PixelMean,
    double PixelStandardDeviation)
{
    public static SplitSummary Of(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var counts = new int[dataset.Classes];
        foreach (var label in dataset.Labels)
        {
            counts[label]++;
        }
        double sum = 0;
        double sumOfSquares = 0;
        foreach (var pixel in dataset.Images)
        {
            sum += pixel;
            sumOfSquares += (double)pixel * pixel;
        }
        var n = Math.Max(1, dataset.Images.Length);
        var mean = sum / n;
        var variance = Math.Max(0, sumOfSquares / n - mean * mean);
        return new SplitSummary(dataset.Name, dataset.Count, dataset.Shape, dataset.Classes, counts, mean, Math.Sqrt(variance));
    }

    /// <summary>One line: name, count, shape, pixel statistics and the class histogram.</summary>
    public override string ToString() =>
        FormattableString.Invariant(
            $"{Name}: {Count} images of {Shape}, {Classes} classes, pixels mean {PixelMean:F3} sd {PixelStandardDeviation:F3}, ") +
        $"per class [{string.Join(' ', ClassCounts)}]";
}
