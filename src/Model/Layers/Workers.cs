namespace Sweep.Model.Layers;

/// <summary>
/// The threads one trial may use. Work is split into fixed contiguous ranges, one per worker, and every output
/// element is written by exactly one worker in the same arithmetic order whatever the count, so results are
/// bit-identical for any number of threads. The count may change between passes (a trial takes cores other trials
/// left idle) up to <see cref="Capacity"/>, the number of workers whose buffers the layers hold.
/// </summary>
internal sealed class Workers
{
    private readonly ParallelOptions _options;

    public Workers(int count, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Capacity = Math.Max(count, capacity);
        Count = count;
        _options = new ParallelOptions { MaxDegreeOfParallelism = count };
    }

    public int Count { get; private set; }

    /// <summary>The most workers the layers keep buffers for.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Sets the number of workers for the passes that follow, clamped to [1, <see cref="Capacity"/>]. Only between
    /// passes: a pass in progress has split its work by the old count.
    /// </summary>
    public void Resize(int count)
    {
        Count = Math.Clamp(count, 1, Capacity);
        _options.MaxDegreeOfParallelism = Count;
    }

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
