using System.Numerics;

namespace Sweep.Model.Kernels;

/// <summary>
/// Softmax output with the cross-entropy cost normalised by 1/N (paper eqs. 15–18). The softmax subtracts each
/// row's maximum before exponentiating, so large logits never overflow. With only as many columns as classes a
/// row is too short to vectorise, so one generic implementation serves both precisions.
/// </summary>
internal static class SoftmaxCrossEntropyKernels
{
    /// <summary>Softmax probabilities and the mean cross-entropy of the batch.</summary>
    /// <param name="logits">Shape: [batch, classes].</param>
    /// <param name="labels">Shape: [batch].</param>
    /// <param name="probabilities">Shape: [batch, classes]; overwritten.</param>
    /// <returns>The cost <c>−(1/N) Σ_n log p[n, label_n]</c> and the number of rows whose arg-max is the label.</returns>
    public static (double Cost, int Correct) Forward<T>(
        ReadOnlySpan<T> logits,
        ReadOnlySpan<int> labels,
        int batch,
        int classes,
        Span<T> probabilities)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cost = 0.0;
        var correct = 0;
        for (var n = 0; n < batch; n++)
        {
            var z = logits.Slice(n * classes, classes);
            var p = probabilities.Slice(n * classes, classes);
            var max = z[0];
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (z[k] > max)
                {
                    max = z[k];
                    best = k;
                }
            }
            var sum = T.Zero;
            for (var k = 0; k < classes; k++)
            {
                p[k] = T.Exp(z[k] - max);
                sum += p[k];
            }
            var inverse = T.One / sum;
            for (var k = 0; k < classes; k++)
            {
                p[k] *= inverse;
            }
            // log p[label] = z[label] − max − log Σ exp(z − max): finite even when p[label] underflows to 0.
            cost -= double.CreateTruncating(z[labels[n]] - max - T.Log(sum));
            if (best == labels[n])
            {
                correct++;
            }
        }
        return (cost / batch, correct);
    }

    /// <summary>Gradient of the cost with respect to the logits: <c>dz = (p − onehot(label)) / N</c> (eq. 18).</summary>
    /// <param name="probabilities">Shape: [batch, classes], from <see cref="Forward"/>.</param>
    /// <param name="dLogits">Shape: [batch, classes]; overwritten.</param>
    public static void Backward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int batch, int classes, Span<T> dLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scale = T.One / T.CreateTruncating(batch);
        for (var n = 0; n < batch; n++)
        {
            for (var k = 0; k < classes; k++)
            {
                var target = k == labels[n] ? T.One : T.Zero;
                dLogits[n * classes + k] = (probabilities[n * classes + k] - target) * scale;
            }
        }
    }
}
