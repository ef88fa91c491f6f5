namespace Sweep.Model.Layers;

/// <summary>
/// The threads one trial may use. Work is split into fixed contiguous ranges, one per worker, and every output
/// element is written by exactly one worker in the same arithmetic order whatever the count, so results are
/// bit-identical for any number of threads.
/// </summary>
internal sealed class Workers
{
    private readonly ParallelOptions _options;

    public Workers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _options = new ParallelOptions { MaxDegreeOfParallelism = count };
    }

    public int Count { get; }

    /// <summary>Runs <paramref name="body"/> once per worker index; on the calling thread when there is one worker.</summary>
    public void Run(Action<int> body)
    {
        if (Count == 1)
        {
            body(0);
            return;
        }
        Parallel.For(0, Count, _options, body);
    }

    /// <summary>The share [start, end) of <paramref name="total"/> items for worker <paramref name="index"/>,
    /// with boundaries on multiples of <paramref name="align"/>.</summary>
    public (int Start, int End) Range(int total, int index, int align = 1)
    {
        var units = (total + align - 1) / align;
        var start = (int)((long)units * index / Count) * align;
        var end = (int)((long)units * (index + 1) / Count) * align;
        return (Math.Min(start, total), Math.Min(end, total));
    }
}
