namespace Sweep.Model.Tests.Layers;

/// <summary>Central finite differences in double precision.</summary>
internal static class FiniteDifference
{
    private const double H = 1e-6;

    /// <summary>Asserts that <paramref name="analytic"/> matches dL/dvalues[i] for every i, where L = <paramref name="loss"/>().</summary>
    public static void AssertGradient(double[] values, Func<double> loss, ReadOnlySpan<double> analytic, string what, double tolerance = 1e-6)
    {
        Assert.Equal(values.Length, analytic.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var saved = values[i];
            values[i] = saved + H;
            var plus = loss();
            values[i] = saved - H;
            var minus = loss();
            values[i] = saved;
            var numeric = (plus - minus) / (2 * H);
            var diff = Math.Abs(numeric - analytic[i]);
            Assert.True(
                diff <= tolerance * Math.Max(1, Math.Abs(numeric)),
                $"{what}[{i}]: finite difference {numeric}, back-propagated {analytic[i]} (difference {diff})");
        }
    }

    /// <summary>L = Σ r·y: a loss whose gradient with respect to y is r, to test one layer at a time.</summary>
    public static double Dot(ReadOnlySpan<double> r, ReadOnlySpan<double> y)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            sum += r[i] * y[i];
        }
        return sum;
    }
}
