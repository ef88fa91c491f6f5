using System.Globalization;
using Sweep.Model.Kernels;

namespace Sweep.Bench;

/// <summary>GFLOP/s of the dense kernels alone (forward, weight gradient, input gradient) at batch 128, next to
/// the 1024³ matrix multiply they are judged against.</summary>
internal static class DenseBenchmark
{
    public static void Print(double seconds)
    {
        var ceiling = MatMulBenchmark.Measure(1024, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"matmul 1024x1024x1024: {ceiling:F1} GFLOP/s; dense kernels at batch {TrainBenchmark.Batch}, GFLOP/s (% of matmul):"));
        foreach (var (inputs, outputs) in new[] { (3072, 128), (32768, 128), (128, 64) })
        {
            var batch = TrainBenchmark.Batch;
            var random = new Random(1);
            var x = Enumerable.Range(0, batch * inputs).Select(_ => (float)random.NextDouble()).ToArray();
            var w = Enumerable.Range(0, inputs * outputs).Select(_ => (float)random.NextDouble()).ToArray();
            var bias = new float[outputs];
            var y = new float[batch * outputs];
            var dy = Enumerable.Range(0, batch * outputs).Select(_ => (float)random.NextDouble()).ToArray();
            var dw = new float[inputs * outputs];
            var dx = new float[batch * inputs];
            var flops = 2.0 * batch * inputs * outputs;
            var forward = Rate(flops, seconds, () => DenseKernels.Forward(x, w, bias, batch, inputs, outputs, y, 0, outputs));
            var weights = Rate(flops, seconds, () => DenseKernels.BackwardWeights(x, dy, batch, inputs, outputs, dw, 0, outputs));
            var input = Rate(flops, seconds, () => DenseKernels.BackwardInput(dy, w, batch, inputs, outputs, dx, 0, inputs));
            var backward = Rate(2 * flops, seconds, () =>
            {
                DenseKernels.BackwardWeights(x, dy, batch, inputs, outputs, dw, 0, outputs);
                DenseKernels.BackwardInput(dy, w, batch, inputs, outputs, dx, 0, inputs);
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {inputs,6}->{outputs,-4} forward {forward,6:F1} ({forward / ceiling,4:P0})  dW {weights,6:F1} ({weights / ceiling,4:P0})  dx {input,6:F1} ({input / ceiling,4:P0})  dW+dx {backward,6:F1} ({backward / ceiling,4:P0})"));
        }
    }

    private static double Rate(double flops, double seconds, Action step)
    {
        step();
        var start = CpuClock.Now();
        var calls = 0;
        while (CpuClock.Now() - start < seconds || calls < 2)
        {
            step();
            calls++;
        }
        return calls * flops / (CpuClock.Now() - start) / 1e9;
    }
}
