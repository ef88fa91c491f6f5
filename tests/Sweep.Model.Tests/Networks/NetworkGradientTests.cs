using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Tests.Kernels;
using Sweep.Model.Tests.Layers;
using Sweep.Model.Training;

namespace Sweep.Model.Tests.Networks;

/// <summary>Whole networks: back-propagation against finite differences (float64), and the fast float path
/// against the float64 reference path.</summary>
public sealed class NetworkGradientTests
{
    private static readonly ImageShape Tiny = new(2, 8, 8);

    public static TheoryData<string, Activation> Architectures => new()
    {
        { "dense16-dense12-dense8", Activation.Relu },
        { "conv3k3s1p1-dense12-dense8", Activation.Relu },
        { "conv5k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense12-dense8", Activation.Relu },
        { "conv4k2s2p0-conv3k3s1p2-pool3s2-dense6", Activation.Elu },
        { "conv3k1-pool2s1-dense5", Activation.Elu },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void WholeNetworkBackward_MatchesFiniteDifferences(string text, Activation activation)
    {
        const int batch = 3, classes = 4;
        var network = new Network<double>(ArchitectureSpec.Parse(text), Tiny, classes, batch, activation, 0.8, threads: 1);
        network.InitializeHe(new RandomGenerator(7, 0));
        Perturb(network.Parameters);
        TestArrays.RandomDoubles(batch * Tiny.Size, 3).CopyTo(network.Input);
        int[] labels = [0, 3, 1];
        network.Forward(labels, batch);
        network.Backward(labels, batch);
        var analytic = (double[])network.ParameterGradients.Clone();
        FiniteDifference.AssertGradient(network.Parameters, () => network.Forward(labels, batch).Cost, analytic, text, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void FastFloatNetwork_MatchesDoubleReference_ForOneAndSeveralThreads(string text, Activation activation)
    {
        const int batch = 5, classes = 4;
        var spec = ArchitectureSpec.Parse(text);
        var reference = new Network<double>(spec, Tiny, classes, batch, activation, 0.8, threads: 1);
        reference.InitializeHe(new RandomGenerator(9, 0));
        Perturb(reference.Parameters);
        var input = TestArrays.RandomDoubles(batch * Tiny.Size, 4);
        input.CopyTo(reference.Input);
        int[] labels = [0, 3, 1, 2, 2];
        var referenceCost = reference.Forward(labels, batch).Cost;
        reference.Backward(labels, batch);

        float[]? singleThreaded = null;
        foreach (var threads in new[] { 1, 3 })
        {
            var fast = new Network<float>(spec, Tiny, classes, batch, activation, 0.8, threads);
            for (var i = 0; i < fast.Parameters.Length; i++)
            {
                fast.Parameters[i] = (float)reference.Parameters[i];
            }
            input.Select(v => (float)v).ToArray().CopyTo(fast.Input);
            var cost = fast.Forward(labels, batch).Cost;
            fast.Backward(labels, batch);
            Assert.Equal(referenceCost, cost, 1e-4);
            TestArrays.AssertClose(reference.ParameterGradients, TestArrays.ToDoubles(fast.ParameterGradients), 1e-4, $"{text} gradients, {threads} threads");
            if (singleThreaded is null)
            {
                singleThreaded = (float[])fast.ParameterGradients.Clone();
            }
            else
            {
                Assert.Equal(singleThreaded, fast.ParameterGradients);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void FastFloatBackward_ReplacesStaleGradients_WithTheBitsOfAFreshNetwork(string text, Activation activation)
    {
        const int batch = 5, classes = 4;
        var spec = ArchitectureSpec.Parse(text);
        var used = new Network<float>(spec, Tiny, classes, batch, activation, 0.8, threads: 1);
        used.InitializeHe(new RandomGenerator(9, 0));
        var fresh = new Network<float>(spec, Tiny, classes, batch, activation, 0.8, threads: 1);
        used.Parameters.CopyTo(fresh.Parameters, 0);
        int[] labels = [0, 3, 1, 2, 2];
        var input = TestArrays.RandomFloats(batch * Tiny.Size, 4);

        // A first step on other images and labels leaves every gradient buffer full of its values, and the
        // parameter gradients are then spoiled outright: backward must overwrite both, never add to them.
        TestArrays.RandomFloats(batch * Tiny.Size, 5).CopyTo(used.Input);
        int[] otherLabels = [1, 1, 0, 3, 2];
        used.Forward(otherLabels, batch);
        used.Backward(otherLabels, batch);
        used.ParameterGradients.AsSpan().Fill(float.NaN);
        input.CopyTo(used.Input);
        used.Forward(labels, batch);
        used.Backward(labels, batch);

        input.CopyTo(fresh.Input);
        fresh.Forward(labels, batch);
        fresh.Backward(labels, batch);
        Assert.Equal(fresh.ParameterGradients, used.ParameterGradients);
        Assert.DoesNotContain(used.ParameterGradients, float.IsNaN);
    }

    [Fact]
    public void HeInitialization_HasZeroMeanAndSqrtTwoOverFanInDeviation_AndZeroBiases()
    {
        var network = new Network<float>(ArchitectureSpec.Parse("dense300"), new ImageShape(1, 32, 32), 10, 1, Activation.Relu, 1, 1);
        network.InitializeHe(new RandomGenerator(123, 2));
        var weights = network.Parameters.AsSpan(0, 1024 * 300).ToArray();
        var mean = weights.Average(v => (double)v);
        var deviation = Math.Sqrt(weights.Average(v => (v - mean) * (v - mean)));
        var expected = Math.Sqrt(2.0 / 1024);
        Assert.True(Math.Abs(mean) < 4 * expected / Math.Sqrt(weights.Length), $"mean {mean}");
        Assert.True(Math.Abs(deviation / expected - 1) < 0.01, $"deviation {deviation}, expected {expected}");
        Assert.All(network.Parameters.AsSpan(1024 * 300, 300).ToArray(), b => Assert.Equal(0f, b));
        var outputWeights = network.Parameters.AsSpan(1024 * 300 + 300, 300 * 10).ToArray();
        var outputDeviation = Math.Sqrt(outputWeights.Average(v => (double)v * v));
        Assert.True(Math.Abs(outputDeviation / Math.Sqrt(2.0 / 300) - 1) < 0.1, $"output deviation {outputDeviation}");
    }

    [Theory]
    [InlineData("dense32-dense16")]
    [InlineData("conv4k3s1p1-pool2s2-conv3k3s2p1-dense16")]
    public void TrainingStep_AllocatesNothingOnTheManagedHeap(string text)
    {
        var network = new Network<float>(ArchitectureSpec.Parse(text), new ImageShape(3, 12, 12), 10, 16, Activation.Elu, 1.0, threads: 1);
        network.InitializeHe(new RandomGenerator(1, 2));
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var m = new float[network.Parameters.Length];
        var v = new float[network.Parameters.Length];
        void Step(int t)
        {
            network.Forward(labels, 16);
            network.Backward(labels, 16);
            Sweep.Model.Optimizers.OptimizerKernels.AdamStep(network.ParameterGradients, t, 1e-3, 0.9, 0.999, 1e-8, network.Parameters, m, v);
        }
        Step(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 2; t < 6; t++)
        {
            Step(t);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Random non-zero biases so that the check also covers paths He init leaves at zero.</summary>
    private static void Perturb(double[] parameters)
    {
        var noise = TestArrays.RandomDoubles(parameters.Length, 11, 0.05);
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] += noise[i];
        }
    }
}
