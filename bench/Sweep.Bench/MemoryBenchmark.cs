namespace Sweep.Bench;

/// <summary>The memory bandwidth one thread reaches copying a DRAM-sized buffer: the ceiling of the memory-bound
/// parts of a step (activations, clears, ADAM over millions of parameters).</summary>
internal static class MemoryBenchmark
{
    public static double CopyGbps()
    {
        var source = new float[16 << 20];
        var target = new float[16 << 20];
        source.AsSpan().Fill(1f);
        source.CopyTo(target);
        var start = CpuClock.Now();
        var calls = 0;
        while (CpuClock.Now() - start < 0.5 || calls < 3)
        {
            source.CopyTo(target);
            calls++;
        }
        return calls * 2.0 * 4 * source.Length / (CpuClock.Now() - start) / 1e9;
    }
}
