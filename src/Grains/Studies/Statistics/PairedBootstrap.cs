namespace Sweep.Grains.Studies.Statistics;

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
    /// <param name="seed">Seed of the generator that draws the resamples: same inputs, same interval.</param>
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

        // SplitMix64 (Steele, Lea & Flood 2014), written out here: fast, and the same resamples on every .NET version.
        var state = (ulong)(uint)seed ^ 0xD1B54A32D192ED03UL;
        var count = perImageDifference.Length;
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var j = 0; j < count; j++)
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;

                // The top 32 bits scaled to [0, count) (multiply-shift; bias below count / 2^32).
                sum += perImageDifference[(int)(((z >> 32) * (ulong)count) >> 32)];
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
