using System.Globalization;
using Sweep.Model.Data;
using Sweep.Model.Layers;
using Sweep.Model.Networks;
using Sweep.Model.Optimizers;
using Sweep.Model.Training;

namespace Sweep.Bench;

/// <summary>
/// Where one training step goes: milliseconds per batch of each layer's forward and backward pass, with its FLOPs
/// (2 per multiply-add), the bytes it must move at least (every buffer it reads or writes, once), and the rate as a
/// share of the 1024³ matrix multiply (compute-bound layers) or in GB/s (memory-bound ones); then the parts of a
/// step outside the layers: the batch copy, softmax-CE and ADAM (the backward passes overwrite their gradients, so
/// there is no zeroing pass to time).
/// </summary>
internal static class LayerProfile
{
    public static void Print(string arch, int filters, ImageShape shape, int threads, int repeats, double ceiling)
    {
        var batch = TrainBenchmark.Batch;
        var spec = ArchitectureSpec.Parse(arch, filters == 0 ? null : filters);
        var network = new Network<float>(spec, shape, 10, batch, Activation.Relu, 1.0, threads);
        network.InitializeHe(new RandomGenerator(1, 2));
        var random = new Random(3);
        var images = new float[batch * shape.Size];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = (float)random.NextDouble();
        }
        var labels = Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray();
        var m = new float[network.Parameters.Length];
        var v = new float[network.Parameters.Length];
        var step = 0;
        void Adam() => OptimizerKernels.AdamStep(network.ParameterGradients, ++step, 1e-4, 0.9, 0.999, 1e-8, network.Parameters, m, v);
        void Whole()
        {
            images.CopyTo(network.Input);
            network.Forward(labels, batch);
            network.Backward(labels, batch);
            Adam();
        }

        // Half a second of whole steps first, so the JIT has moved the kernels to their final (tier-1) code.
        var warmUp = CpuClock.Now();
        for (var s = 0; s < 3 || CpuClock.Now() - warmUp < 0.5; s++)
        {
            Whole();
        }
        var layers = network.Layers;
        var forward = new double[layers.Count];
        var backward = new double[layers.Count];
        double copy = 0, fullForward = 0, fullBackward = 0, adam = 0, whole = 0;
        for (var r = 0; r < repeats; r++)
        {
            var start = CpuClock.Now();
            images.CopyTo(network.Input);
            copy += Lap(ref start);
            network.Forward(labels, batch);
            fullForward += Lap(ref start);
            network.Backward(labels, batch);
            fullBackward += Lap(ref start);
            Adam();
            adam += Lap(ref start);
            for (var i = 0; i < layers.Count; i++)
            {
                start = CpuClock.Now();
                layers[i].Forward(batch);
                forward[i] += Lap(ref start);
            }
            for (var i = layers.Count - 1; i >= 0; i--)
            {
                start = CpuClock.Now();
                layers[i].Backward(batch);
                backward[i] += Lap(ref start);
            }
            start = CpuClock.Now();
            Whole();
            whole += Lap(ref start);
        }
        var parameters = network.Parameters.Length;
        var stepFlops = layers.Select((layer, i) => Cost(layer, batch, i == 0)).Sum(c => c.ForwardFlops + c.BackwardFlops);
        var stepRate = stepFlops / (whole / repeats) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{arch}({filters}) on {shape}: {CpuClock.Kind} ms per batch of {batch}, whole step {whole / repeats:F3} ms ({batch * repeats / whole * 1e3:F0} img/s), {parameters} parameters, {stepFlops / 1e6:F0} MFLOP a step: {stepRate:F1} GFLOP/s = {stepRate / ceiling:P0} of the matmul"));
        Console.WriteLine($"  {"layer",-16} {"output",-9} {"fwd ms",8} {"MFLOP",7} {"MB",6} {"rate",15} {"bwd ms",8} {"MFLOP",7} {"MB",6} {"rate",15}");
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var (fFlops, fBytes, bFlops, bBytes) = Cost(layer, batch, i == 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {layer.GetType().Name.Split('`')[0],-16} {layer.OutputShape,-9} {forward[i] / repeats,8:F3} {fFlops / 1e6,7:F1} {fBytes / 1e6,6:F1} {Rate(fFlops, fBytes, forward[i] / repeats, ceiling),15} {backward[i] / repeats,8:F3} {bFlops / 1e6,7:F1} {bBytes / 1e6,6:F1} {Rate(bFlops, bBytes, backward[i] / repeats, ceiling),15}"));
        }
        var softmax = (fullForward - forward.Sum()) / repeats;
        var softmaxBackward = (fullBackward - backward.Sum()) / repeats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  outside the layers: batch copy {copy / repeats:F3}, softmax-CE forward {softmax:F3}, softmax-CE backward {softmaxBackward:F3}, ADAM {adam / repeats:F3} ({Gbps(28.0 * parameters, adam / repeats)})"));
    }

    private static double Lap(ref double start)
    {
        var now = CpuClock.Now();
        var elapsed = (now - start) * 1e3;
        start = now;
        return elapsed;
    }

    /// <summary>FLOPs and minimum bytes of one layer's forward and backward pass over a batch: conv and dense do
    /// 2·out·fan-in FLOPs per image forward and twice that backward (once without an input gradient); every buffer
    /// read or written counts once (an accumulated one twice).</summary>
    private static (double ForwardFlops, double ForwardBytes, double BackwardFlops, double BackwardBytes) Cost<T>(Layer<T> layer, int batch, bool first)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double input = batch * (double)layer.InputShape.Size, output = batch * (double)layer.OutputShape.Size, p = layer.ParameterCount;
        var flops = 2.0 * output * layer.FanIn;
        return layer.WeightCount == 0
            ? (0, 4 * (input + output), 0, 4 * (output + 2 * input + (layer is MaxPoolLayer<T> ? 0 : input)))
            : (flops, 4 * (input + output + p), first ? flops : 2 * flops, 4 * (input + output + 3 * p + (first ? 0 : 2 * input)));
    }

    private static string Rate(double flops, double bytes, double ms, double ceiling) => flops > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{flops / ms / 1e6,5:F1}GF {flops / ms / 1e6 / ceiling,4:P0}")
        : Gbps(bytes, ms);

    private static string Gbps(double bytes, double ms) => string.Create(CultureInfo.InvariantCulture, $"{bytes / ms / 1e6,6:F1} GB/s");
}
