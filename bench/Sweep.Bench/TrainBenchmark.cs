using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Optimizers;
using Sweep.Model.Training;

namespace Sweep.Bench;

/// <summary>Training and inference throughput of one architecture on one input shape, batch 128.</summary>
internal static class TrainBenchmark
{
    public const int Batch = 128;

    public static BenchResult Measure(string arch, int filters, ImageShape shape, int threads, double seconds)
    {
        var spec = ArchitectureSpec.Parse(arch, filters == 0 ? null : filters);
        var network = new Network<float>(spec, shape, 10, Batch, Activation.Relu, 1.0, threads);
        network.InitializeHe(new RandomGenerator(1, 2));
        var random = new Random(3);
        var images = new float[Batch * shape.Size];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = (float)random.NextDouble();
        }
        var labels = Enumerable.Range(0, Batch).Select(_ => random.Next(10)).ToArray();
        var m = new float[network.Parameters.Length];
        var v = new float[network.Parameters.Length];
        var step = 0;

        void Train()
        {
            images.CopyTo(network.Input);
            network.Forward(labels, Batch);
            network.Backward(labels, Batch);
            OptimizerKernels.AdamStep(network.ParameterGradients, ++step, 1e-4, 0.9, 0.999, 1e-8, network.Parameters, m, v);
        }

        void Infer()
        {
            images.CopyTo(network.Input);
            network.Forward(labels, Batch);
        }

        var train = Rate(Train, seconds);
        var infer = Rate(Infer, seconds / 2);
        var (forwardFlops, trainFlops) = spec.FlopsPerImage(shape, 10);
        return new BenchResult(arch, filters, shape.ToString(), train, infer, forwardFlops, trainFlops, train * trainFlops / 1e9);
    }

    /// <summary>Images per CPU second of <paramref name="body"/> (one batch per call) after a warm-up.</summary>
    private static double Rate(Action body, double seconds)
    {
        for (var i = 0; i < 3; i++)
        {
            body();
        }
        var start = CpuClock.Now();
        var calls = 0;
        while (CpuClock.Now() - start < seconds || calls < 3)
        {
            body();
            calls++;
        }
        return calls * (double)Batch / (CpuClock.Now() - start);
    }
}
