namespace Sweep.Grains.Studies;

/// <summary>
/// Paired bootstrap of an accuracy difference on one test set: images are resampled with replacement and the
/// same resample is applied to both models (and to every seed), so the CI reflects test-set sampling only.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>
    /// Percentile confidence interval of the mean over seeds of (candidate accuracy − baseline accuracy).
    /// </summary>
    /// <param name="perImageDifference">Shape: [images]; per image the mean over seeds of
    /// (candidate correct − baseline correct), each term in {−1, 0, 1}.</param>
    /// <param name="resamples">Number of bootstrap resamples (e.g. 2 000).</param>
    /// <param name="seed">Seed of the <see cref="Random"/> that draws the resamples: same inputs, same interval.</param>
    /// <param name="confidence">E.g. 0.95.</param>
    public static (double Low, double High) DifferenceInterval(ReadOnlySpan<double> perImageDifference, int resamples, int seed, double confidence)
    {
        if (perImageDifference.Length == 0)
        {
            throw new ArgumentException("The bootstrap needs at least one image.", nameof(perImageDifference));
        }

        if (resamples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "The bootstrap needs at least 2 resamples.");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must lie strictly between 0 and 1.");
        }

        var random = new Random(seed);
        var count = perImageDifference.Length;
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var j = 0; j < count; j++)
            {
                sum += perImageDifference[random.Next(count)];
            }

            means[r] = sum / count;
        }

        Array.Sort(means);
        var alpha = 1 - confidence;
        var low = means[(int)Math.Floor(alpha / 2 * (resamples - 1))];
        var high = means[(int)Math.Ceiling((1 - alpha / 2) * (resamples - 1))];
        return (low, high);
    }
}
