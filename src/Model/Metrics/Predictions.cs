namespace Sweep.Model.Metrics;

/// <summary>What a trained network says about each image of a split: enough to recompute every metric.</summary>
/// <param name="Labels">Shape: [count]; the true labels.</param>
/// <param name="Probabilities">Shape: [count, classes], flattened; softmax outputs.</param>
public sealed record Predictions(int Classes, int[] Labels, float[] Probabilities)
{
    public int Count => Labels.Length;
}
