using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Bench;

/// <summary>Milliseconds per batch spent in each layer's forward and backward pass.</summary>
internal static class LayerProfile
{
    public static void Print(string arch, int filters, ImageShape shape, int threads, int repeats)
    {
        var spec = ArchitectureSpec.Parse(arch, filters == 0 ? null : filters);
        var network = new Network<float>(spec, shape, 10, TrainBenchmark.Batch, Activation.Relu, 1.0, threads);
        network.InitializeHe(new RandomGenerator(1, 2));
        var random = new Random(3);
        for (var i = 0; i < network.Input.Length; i++)
        {
            network.Input[i] = (float)random.NextDouble();
        }
        var labels = Enumerable.Range(0, TrainBenchmark.Batch).Select(_ => random.Next(10)).ToArray();
        // Half a second of whole steps first, so the JIT has moved the kernels to their final (tier-1) code.
        var warmUp = CpuClock.Now();
        for (var step = 0; step < 3 || CpuClock.Now() - warmUp < 0.5; step++)
        {
            network.Forward(labels, TrainBenchmark.Batch);
            network.Backward(labels, TrainBenchmark.Batch);
        }
        var layers = network.Layers;
        var forward = new double[layers.Count];
        var backward = new double[layers.Count];
        for (var r = 0; r < repeats; r++)
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var start = CpuClock.Now();
                layers[i].Forward(TrainBenchmark.Batch);
                forward[i] += (CpuClock.Now() - start) * 1e3;
            }
            for (var i = layers.Count - 1; i >= 0; i--)
            {
                var start = CpuClock.Now();
                layers[i].Backward(TrainBenchmark.Batch);
                backward[i] += (CpuClock.Now() - start) * 1e3;
            }
        }
        Console.WriteLine($"{arch}({filters}) on {shape}: CPU ms per batch of {TrainBenchmark.Batch}");
        for (var i = 0; i < layers.Count; i++)
        {
            Console.WriteLine($"  {layers[i].GetType().Name.Split('`')[0],-16} {layers[i].OutputShape,-10} forward {forward[i] / repeats,8:F3}  backward {backward[i] / repeats,8:F3}");
        }
    }
}
