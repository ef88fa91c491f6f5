using Sweep.Model.Kernels;
using Sweep.Model.Tests.Kernels;

namespace Sweep.Model.Tests.Layers;

/// <summary>Every layer's backward pass against finite differences of its forward pass, in float64.</summary>
public sealed class GradientCheckTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 4)]
    [InlineData(2, 9, 7)]
    public void DenseBackward_MatchesFiniteDifferences(int batch, int inputs, int outputs)
    {
        var x = TestArrays.RandomDoubles(batch * inputs, 1);
        var w = TestArrays.RandomDoubles(inputs * outputs, 2);
        var b = TestArrays.RandomDoubles(outputs, 3);
        var r = TestArrays.RandomDoubles(batch * outputs, 4);
        var y = new double[batch * outputs];
        double Loss()
        {
            DenseKernels.ForwardReference<double>(x, w, b, batch, inputs, outputs, y);
            return FiniteDifference.Dot(r, y);
        }
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[b.Length];
        DenseKernels.BackwardReference<double>(x, w, r, batch, inputs, outputs, dx, dw, db);
        FiniteDifference.AssertGradient(x, Loss, dx, "dx");
        FiniteDifference.AssertGradient(w, Loss, dw, "dW");
        FiniteDifference.AssertGradient(b, Loss, db, "db");
    }

    [Theory]
    [InlineData(1, 5, 5, 1, 1, 1, 0)]
    [InlineData(2, 6, 5, 3, 2, 1, 0)]
    [InlineData(2, 6, 6, 2, 2, 2, 1)]
    [InlineData(3, 5, 5, 2, 3, 1, 1)]
    [InlineData(2, 7, 6, 3, 3, 2, 1)]
    [InlineData(2, 6, 7, 2, 5, 1, 2)]
    [InlineData(1, 8, 8, 2, 5, 2, 2)]
    [InlineData(2, 4, 4, 3, 3, 1, 2)]
    public void Conv2dBackward_MatchesFiniteDifferences(int c, int h, int w, int f, int k, int s, int p)
    {
        const int batch = 2;
        var g = new Conv2dGeometry(c, h, w, f, k, s, p);
        var x = TestArrays.RandomDoubles(batch * g.InputSize, 1);
        var weights = TestArrays.RandomDoubles(g.WeightCount, 2);
        var bias = TestArrays.RandomDoubles(f, 3);
        var r = TestArrays.RandomDoubles(batch * g.OutputSize, 4);
        var y = new double[batch * g.OutputSize];
        double Loss()
        {
            Conv2dKernels.ForwardReference<double>(x, weights, bias, g, batch, y);
            return FiniteDifference.Dot(r, y);
        }
        var dx = new double[x.Length];
        var dw = new double[weights.Length];
        var db = new double[bias.Length];
        Conv2dKernels.BackwardReference<double>(x, weights, r, g, batch, dx, dw, db);
        FiniteDifference.AssertGradient(x, Loss, dx, "dx");
        FiniteDifference.AssertGradient(weights, Loss, dw, "dW");
        FiniteDifference.AssertGradient(bias, Loss, db, "db");
    }

    [Theory]
    [InlineData(2, 6, 6, 2, 2)]
    [InlineData(2, 7, 7, 3, 2)]
    [InlineData(1, 7, 5, 2, 3)]
    [InlineData(3, 5, 5, 3, 1)]
    public void MaxPoolBackward_MatchesFiniteDifferences(int c, int h, int w, int window, int stride)
    {
        const int batch = 2;
        var g = new PoolGeometry(c, h, w, window, stride);
        // Distinct values far apart (≥ 1e-3) so a perturbation of 1e-6 never changes an arg-max.
        var x = Enumerable.Range(0, batch * g.InputSize).Select(i => (double)i * 1e-2).ToArray();
        new Random(5).Shuffle(x);
        var r = TestArrays.RandomDoubles(batch * g.OutputSize, 2);
        var y = new double[batch * g.OutputSize];
        double Loss()
        {
            MaxPoolKernels.ForwardReference<double>(x, g, batch, y);
            return FiniteDifference.Dot(r, y);
        }
        var dx = new double[x.Length];
        MaxPoolKernels.BackwardReference<double>(x, r, g, batch, dx);
        FiniteDifference.AssertGradient(x, Loss, dx, "dx");
    }

    [Fact]
    public void ReluAndEluBackward_MatchFiniteDifferences()
    {
        // Inputs kept at least 0.05 away from the kink at 0.
        var x = TestArrays.RandomDoubles(40, 1, 3).Select(v => v >= 0 ? v + 0.05 : v - 0.05).ToArray();
        var r = TestArrays.RandomDoubles(40, 2);
        var y = new double[40];
        var dx = new double[40];
        ActivationKernels.ReluBackwardReference<double>(x, r, dx);
        FiniteDifference.AssertGradient(x, () =>
        {
            ActivationKernels.ReluForwardReference<double>(x, y);
            return FiniteDifference.Dot(r, y);
        }, dx, "relu dx");

        dx = new double[40];
        ActivationKernels.EluBackwardReference<double>(x, r, 0.7, dx);
        FiniteDifference.AssertGradient(x, () =>
        {
            ActivationKernels.EluForwardReference<double>(x, 0.7, y);
            return FiniteDifference.Dot(r, y);
        }, dx, "elu dx");
    }

    [Fact]
    public void SoftmaxCrossEntropyBackward_MatchesFiniteDifferences()
    {
        const int batch = 4, classes = 5;
        var z = TestArrays.RandomDoubles(batch * classes, 1, 3);
        int[] labels = [0, 4, 2, 2];
        var p = new double[z.Length];
        SoftmaxCrossEntropyKernels.Forward<double>(z, labels, batch, classes, p);
        var dz = new double[z.Length];
        SoftmaxCrossEntropyKernels.Backward<double>(p, labels, batch, classes, dz);
        FiniteDifference.AssertGradient(z, () => SoftmaxCrossEntropyKernels.Forward<double>(z, labels, batch, classes, p).Cost, dz, "dz");
    }

    [Fact]
    public void SoftmaxCrossEntropy_StaysFiniteForHugeLogits()
    {
        float[] z = [1000f, -1000f, 0f, 3000f, 2990f, -5000f];
        int[] labels = [1, 0];
        var p = new float[6];
        var (cost, correct) = SoftmaxCrossEntropyKernels.Forward<float>(z, labels, 2, 3, p);
        Assert.True(double.IsFinite(cost), $"cost {cost}");
        // Row 1: −log p[1] = 2000 + log(1 + e^-1000 + e^-2000) ≈ 2000; row 2: −log p[0] = log(1 + e^-10) ≈ 4.54e-5.
        Assert.Equal((2000 + 4.54e-5) / 2, cost, 1e-2);
        Assert.Equal(1, correct);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
    }
}
