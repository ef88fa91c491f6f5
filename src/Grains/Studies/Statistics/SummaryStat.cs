namespace Sweep.Grains.Studies.Statistics;

/// <summary>Mean ± sample standard deviation (n − 1 in the denominator) over <paramref name="N"/> values.</summary>
/// <param name="Sd">Null when N &lt; 2.</param>
public sealed record SummaryStat(double Mean, double? Sd, int N)
{
    /// <summary>The summary of <paramref name="values"/>, or null when there are none.</summary>
    public static SummaryStat? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Count;
        if (values.Count < 2)
        {
            return new SummaryStat(mean, null, values.Count);
        }

        var squares = 0.0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return new SummaryStat(mean, Math.Sqrt(squares / (values.Count - 1)), values.Count);
    }
}
