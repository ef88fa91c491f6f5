namespace Sweep.Model.Data;

/// <summary>
/// The <c>gaussian</c> generator: each class has a mean RGB image drawn once from the seed (pixels uniform in
/// [0.2, 0.8]); a sample is its class mean plus noise of standard deviation <see cref="Noise"/>, clamped to [0,1].
/// The means lie far apart relative to the noise, so any network separates the classes: a fast smoke test.
/// </summary>
internal static class GaussianGenerator
{
    public const int Classes = 10;

    public const float Noise = 0.1f;

    /// <returns>Shape: [classes, 3, size, size].</returns>
    public static float[] Means(SyntheticRandom random, int size)
    {
        var means = new float[Classes * 3 * size * size];
        for (var i = 0; i < means.Length; i++)
        {
            means[i] = random.Uniform(0.2f, 0.8f);
        }
        return means;
    }

    /// <param name="mean">Shape: [3, size, size].</param>
    /// <param name="image">Shape: [3, size, size].</param>
    public static void Render(SyntheticRandom random, ReadOnlySpan<float> mean, Span<float> image)
    {
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = Math.Clamp(mean[i] + Noise * random.NextNormal(), 0f, 1f);
        }
    }
}
