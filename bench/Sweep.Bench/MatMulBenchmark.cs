using Sweep.Model.Kernels;

namespace Sweep.Bench;

/// <summary>GFLOP/s of our single-threaded matrix multiply on square matrices.</summary>
internal static class MatMulBenchmark
{
    public static double Measure(int n, double seconds)
    {
        var random = new Random(1);
        var a = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        var c = new float[n * n];
        Gemm.Multiply(a, false, b, false, n, n, n, c, false);
        var start = CpuClock.Now();
        var calls = 0;
        while (CpuClock.Now() - start < seconds || calls < 2)
        {
            Gemm.Multiply(a, false, b, false, n, n, n, c, false);
            calls++;
        }
        return calls * 2.0 * n * n * n / (CpuClock.Now() - start) / 1e9;
    }
}
