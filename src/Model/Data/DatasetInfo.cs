namespace Sweep.Model.Data;

/// <summary>A summary of a loaded dataset's two splits (for <c>sweep data info</c>).</summary>
public sealed record DatasetInfo(SplitSummary Train, SplitSummary Test)
{
    public static DatasetInfo Describe(DatasetPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new DatasetInfo(SplitSummary.Of(pair.Train), SplitSummary.Of(pair.Test));
    }

    /// <summary>Two lines, train then test.</summary>
    public override string ToString() => $"{Train}{Environment.NewLine}{Test}";
}
