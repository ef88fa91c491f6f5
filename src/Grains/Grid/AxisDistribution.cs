namespace Sweep.Grains.Grid;

/// <summary>
/// A random search's distribution for one axis, written in the grid as <c>{"uniform": [lo, hi]}</c>,
/// <c>{"logUniform": [lo, hi]}</c> (learning rates) or <c>{"intRange": [lo, hi]}</c> (filter counts, both ends
/// included). A list written instead means a uniform choice from the list.
/// </summary>
/// <param name="Kind">The JSON keyword: <see cref="Uniform"/>, <see cref="LogUniform"/> or <see cref="IntRange"/>.</param>
internal sealed record AxisDistribution(string Kind, double Low, double High)
{
    public const string Uniform = "uniform";
    public const string LogUniform = "logUniform";
    public const string IntRange = "intRange";

    public static readonly IReadOnlyList<string> LearningRateKinds = [Uniform, LogUniform];

    public static readonly IReadOnlyList<string> FilterKinds = [IntRange];

    /// <summary>The value at quantile <paramref name="unit"/> in [0, 1), kept inside [Low, High] against rounding.</summary>
    public double Sample(double unit) => Kind switch
    {
        Uniform => Math.Clamp(Low + (unit * (High - Low)), Low, High),
        LogUniform => Math.Clamp(Math.Exp(Math.Log(Low) + (unit * (Math.Log(High) - Math.Log(Low)))), Low, High),
        _ => throw new InvalidOperationException($"'{Kind}' is not a continuous distribution."),
    };

    /// <summary>Every whole number of an <see cref="IntRange"/>, ascending.</summary>
    public IEnumerable<int> Values() => Kind == IntRange
        ? Enumerable.Range((int)Low, (int)High - (int)Low + 1)
        : throw new InvalidOperationException($"'{Kind}' has no finite set of values.");
}
