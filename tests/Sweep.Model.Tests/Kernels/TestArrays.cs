namespace Sweep.Model.Tests.Kernels;

/// <summary>Seeded random buffers and closeness checks shared by the kernel, layer and network tests.</summary>
internal static class TestArrays
{
    public static float[] RandomFloats(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }
        return result;
    }

    public static double[] RandomDoubles(int count, int seed, double scale = 1)
    {
        var random = new Random(seed);
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (random.NextDouble() * 2 - 1) * scale;
        }
        return result;
    }

    public static double[] ToDoubles(float[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>Asserts |a − e| ≤ tolerance · (1 + |e|) element-wise, naming the first offending index.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(diff <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (difference {diff})");
        }
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(actual[i] - expected[i]);
            Assert.True(diff <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (difference {diff})");
        }
    }
}
