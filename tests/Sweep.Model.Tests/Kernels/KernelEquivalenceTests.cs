using Sweep.Model.Kernels;
using Sweep.Model.Optimizers;

namespace Sweep.Model.Tests.Kernels;

/// <summary>Each vectorised kernel against its scalar reference, at sizes that are not multiples of a vector.</summary>
public sealed class KernelEquivalenceTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 17, 33)]
    [InlineData(13, 129, 7)]
    [InlineData(33, 33, 129)]
    public void DenseForwardAndBackward_MatchScalarReference(int batch, int inputs, int outputs)
    {
        var x = TestArrays.RandomFloats(batch * inputs, 1);
        var w = TestArrays.RandomFloats(inputs * outputs, 2);
        var b = TestArrays.RandomFloats(outputs, 3);
        var dy = TestArrays.RandomFloats(batch * outputs, 4);

        var yRef = new float[batch * outputs];
        DenseKernels.ForwardReference<float>(x, w, b, batch, inputs, outputs, yRef);
        var y = new float[batch * outputs];
        DenseKernels.Forward(x, w, b, batch, inputs, outputs, y, 0, outputs);
        TestArrays.AssertClose(yRef, y, 1e-5, "y");

        // The references accumulate into zeros; the fast kernels overwrite, so they start from stale values.
        var dxRef = new float[batch * inputs];
        var dwRef = new float[inputs * outputs];
        var dbRef = new float[outputs];
        var dx = TestArrays.RandomFloats(batch * inputs, 5);
        var dw = TestArrays.RandomFloats(inputs * outputs, 6);
        var db = TestArrays.RandomFloats(outputs, 7);
        DenseKernels.BackwardReference<float>(x, w, dy, batch, inputs, outputs, dxRef, dwRef, dbRef);
        DenseKernels.BackwardWeights(x, dy, batch, inputs, outputs, dw, 0, outputs);
        DenseKernels.BackwardBias(dy, batch, outputs, db);
        DenseKernels.BackwardInput(dy, w, batch, inputs, outputs, dx, 0, inputs);
        TestArrays.AssertClose(dxRef, dx, 1e-5, "dx");
        TestArrays.AssertClose(dwRef, dw, 1e-5, "dW");
        TestArrays.AssertClose(dbRef, db, 1e-5, "db");
    }

    [Theory]
    [InlineData(1, 5, 5, 1, 1, 1, 0)]
    [InlineData(2, 7, 6, 3, 2, 1, 0)]
    [InlineData(3, 8, 8, 4, 3, 2, 1)]
    [InlineData(2, 9, 7, 5, 5, 1, 2)]
    [InlineData(3, 17, 17, 33, 3, 1, 1)]
    [InlineData(1, 6, 6, 2, 3, 3, 2)]
    [InlineData(4, 11, 13, 7, 5, 2, 2)]
    [InlineData(3, 32, 33, 5, 3, 1, 1)]
    [InlineData(5, 16, 16, 3, 3, 1, 1)]
    [InlineData(2, 40, 3, 6, 3, 1, 2)]
    [InlineData(2, 7, 7, 2, 3, 1, 3)]
    [InlineData(2, 5, 32, 6, 3, 1, 1)]
    [InlineData(1, 4, 64, 3, 3, 1, 1)]
    [InlineData(3, 6, 36, 8, 5, 1, 0)]
    [InlineData(1, 28, 28, 5, 3, 1, 1)]
    [InlineData(5, 14, 14, 3, 3, 1, 1)]
    public void Conv2dForwardAndBackward_MatchScalarReference_ForBothAlgorithms(int c, int h, int w, int f, int k, int s, int p)
    {
        var g = new Conv2dGeometry(c, h, w, f, k, s, p);
        CheckConvolution(g, Conv2dKernels.Forward, Conv2dKernels.BackwardWeights, Conv2dKernels.BackwardInput);
        CheckConvolution(g, Conv2dKernels.ForwardIm2Col, Conv2dKernels.BackwardWeightsIm2Col, Conv2dKernels.BackwardInputIm2Col);
    }

    [Fact]
    public void DirectConvolution_IsUsedForStrideOneOnAvx512Machines()
    {
        var expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        Assert.Equal(expected, DirectConv2d.Supports(new Conv2dGeometry(3, 32, 32, 3, 3, 1, 1)));
        Assert.False(DirectConv2d.Supports(new Conv2dGeometry(3, 32, 32, 3, 3, 2, 1)));
        Assert.False(DirectConv2d.Supports(new Conv2dGeometry(3, 32, 32, 3, 3, 1, 3)));
    }

    private delegate void ConvForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Conv2dGeometry g, int batch, Span<float> y, Span<float> workspace, bool relu);

    private delegate void ConvBackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Conv2dGeometry g, int batch, Span<float> dw, Span<float> db, Span<float> workspace, ReadOnlySpan<float> reluOutputs, Span<float> masked);

    private delegate void ConvBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Conv2dGeometry g, int batch, Span<float> dx, Span<float> workspace);

    private static void CheckConvolution(Conv2dGeometry g, ConvForward forward, ConvBackwardWeights backwardWeights, ConvBackwardInput backwardInput)
    {
        const int batch = 3;
        var f = g.Filters;
        var x = TestArrays.RandomFloats(batch * g.InputSize, 1);
        var weights = TestArrays.RandomFloats(g.WeightCount, 2);
        var bias = TestArrays.RandomFloats(f, 3);
        var dy = TestArrays.RandomFloats(batch * g.OutputSize, 4);
        var workspace = new float[Conv2dKernels.WorkspaceSize(g)];

        // Reference in double: over a few thousand terms a float reference would itself be off by ~1e-5.
        var yRef = new double[batch * g.OutputSize];
        Conv2dKernels.ForwardReference<double>(TestArrays.ToDoubles(x), TestArrays.ToDoubles(weights), TestArrays.ToDoubles(bias), g, batch, yRef);
        var y = new float[batch * g.OutputSize];
        forward(x, weights, bias, g, batch, y, workspace, false);
        TestArrays.AssertClose(yRef, TestArrays.ToDoubles(y), 1e-5, "y");

        // Fused ReLU: exactly the unfused output passed through the ReLU kernel, and max(0, ·) of the reference.
        var yRelu = TestArrays.RandomFloats(batch * g.OutputSize, 10);
        forward(x, weights, bias, g, batch, yRelu, workspace, true);
        var yThenRelu = new float[y.Length];
        ActivationKernels.ReluForward(y, yThenRelu);
        Assert.Equal(yThenRelu, yRelu);
        Assert.Contains(yRelu, v => v == 0f);
        TestArrays.AssertClose(yRef.Select(v => Math.Max(v, 0)).ToArray(), TestArrays.ToDoubles(yRelu), 1e-5, "relu(y)");

        // The reference accumulates into zeros; the fast kernels overwrite, so their outputs start from stale values.
        var dxRef = new double[batch * g.InputSize];
        var dwRef = new double[g.WeightCount];
        var dbRef = new double[f];
        var dx = TestArrays.RandomFloats(batch * g.InputSize, 5);
        var dw = TestArrays.RandomFloats(g.WeightCount, 6);
        var db = TestArrays.RandomFloats(f, 7);
        Conv2dKernels.BackwardReference<double>(TestArrays.ToDoubles(x), TestArrays.ToDoubles(weights), TestArrays.ToDoubles(dy), g, batch, dxRef, dwRef, dbRef);
        var dwPerImage = TestArrays.RandomFloats(batch * g.WeightCount, 8);
        var dbPerImage = TestArrays.RandomFloats(batch * f, 9);
        backwardWeights(x, dy, g, batch, dwPerImage, dbPerImage, workspace, default, default);
        Elementwise.SumBlocks(dwPerImage, batch, g.WeightCount, dw);
        Elementwise.SumBlocks(dbPerImage, batch, f, db);
        backwardInput(dy, weights, g, batch, dx, workspace);
        var terms = Math.Sqrt(batch * g.OutPlane);
        TestArrays.AssertClose(dxRef, TestArrays.ToDoubles(dx), 1e-5, "dx");
        TestArrays.AssertClose(dwRef, TestArrays.ToDoubles(dw), 1e-6 * terms, "dW");
        TestArrays.AssertClose(dbRef, TestArrays.ToDoubles(db), 1e-6 * terms, "db");

        // Fused ReLU backward: masking inside the weight gradient, into one reused image or in place, gives the
        // bits of masking first with the ReLU kernel and running the plain kernel.
        var dyMasked = new float[dy.Length];
        ActivationKernels.ReluBackward(yRelu, dy, dyMasked);
        var dwExpected = new float[batch * g.WeightCount];
        var dbExpected = new float[batch * f];
        backwardWeights(x, dyMasked, g, batch, dwExpected, dbExpected, workspace, default, default);
        var room = TestArrays.RandomFloats(g.OutputSize, 11);
        backwardWeights(x, dy, g, batch, dwPerImage, dbPerImage, workspace, yRelu, room);
        Assert.Equal(dwExpected, dwPerImage);
        Assert.Equal(dbExpected, dbPerImage);
        var inPlace = (float[])dy.Clone();
        backwardWeights(x, inPlace, g, batch, dwPerImage, dbPerImage, workspace, yRelu, inPlace);
        Assert.Equal(dwExpected, dwPerImage);
        Assert.Equal(dyMasked, inPlace);
    }

    [Theory]
    [InlineData(2, 7, 7, 3, 2)]
    [InlineData(3, 8, 8, 2, 2)]
    [InlineData(1, 9, 5, 3, 3)]
    [InlineData(2, 6, 9, 2, 1)]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(3, 36, 34, 2, 2)]
    [InlineData(2, 33, 65, 2, 2)]
    [InlineData(2, 10, 40, 2, 3)]
    [InlineData(5, 28, 28, 2, 2)]
    [InlineData(3, 14, 14, 2, 2)]
    [InlineData(2, 9, 11, 2, 2)]
    public void MaxPoolForwardAndBackward_MatchScalarReference(int c, int h, int w, int window, int stride)
    {
        const int batch = 2;
        var g = new PoolGeometry(c, h, w, window, stride);
        var x = TestArrays.RandomFloats(batch * g.InputSize, 1);
        CheckPool(g, batch, x);
        // Only three distinct values: ties everywhere, which must resolve to the same (first) maximum.
        CheckPool(g, batch, x.Select(v => MathF.Round(v)).ToArray());
    }

    private static void CheckPool(PoolGeometry g, int batch, float[] x)
    {
        var dy = TestArrays.RandomFloats(batch * g.OutputSize, 2);
        var yRef = new float[batch * g.OutputSize];
        MaxPoolKernels.ForwardReference<float>(x, g, batch, yRef);
        var y = new float[batch * g.OutputSize];
        var argMax = new int[batch * g.OutputSize];
        MaxPoolKernels.Forward(x, g, batch, y, argMax);
        Assert.Equal(yRef, y);

        var dxRef = new float[batch * g.InputSize];
        var dx = TestArrays.RandomFloats(batch * g.InputSize, 3);
        MaxPoolKernels.BackwardReference<float>(x, dy, g, batch, dxRef);
        MaxPoolKernels.Backward(dy, argMax, g, batch, dx);
        Assert.Equal(dxRef, dx);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(129)]
    public void ActivationKernels_MatchScalarReference(int count)
    {
        var x = TestArrays.RandomFloats(count, 1, 4f);
        var dy = TestArrays.RandomFloats(count, 2);
        var start = TestArrays.RandomFloats(count, 3);

        var yRef = new float[count];
        var y = new float[count];
        ActivationKernels.ReluForwardReference<float>(x, yRef);
        ActivationKernels.ReluForward(x, y);
        Assert.Equal(yRef, y);
        var dxRef = new float[count];
        var dx = (float[])start.Clone();
        ActivationKernels.ReluBackwardReference<float>(x, dy, dxRef);
        ActivationKernels.ReluBackward(y, dy, dx);
        Assert.Equal(dxRef, dx);

        ActivationKernels.EluForwardReference<float>(x, 0.7f, yRef);
        ActivationKernels.EluForward(x, 0.7f, y);
        TestArrays.AssertClose(yRef, y, 1e-6, "elu y");
        dxRef = new float[count];
        dx = (float[])start.Clone();
        ActivationKernels.EluBackwardReference<float>(x, dy, 0.7f, dxRef);
        ActivationKernels.EluBackward(x, y, dy, 0.7f, dx);
        TestArrays.AssertClose(dxRef, dx, 1e-6, "elu dx");
    }

    [Fact]
    public void ElementwiseKernels_GiveTheSameBitsHoweverTheInputIsSplit()
    {
        var x = TestArrays.RandomFloats(61, 1, 4f);
        var dy = TestArrays.RandomFloats(61, 2);
        var whole = new float[61];
        ActivationKernels.EluForward(x, 0.9f, whole);
        var dxWhole = new float[61];
        ActivationKernels.EluBackward(x, whole, dy, 0.9f, dxWhole);
        var split = new float[61];
        var dxSplit = new float[61];
        foreach (var (start, end) in new[] { (0, 3), (3, 20), (20, 61) })
        {
            ActivationKernels.EluForward(x.AsSpan(start, end - start), 0.9f, split.AsSpan(start, end - start));
            ActivationKernels.EluBackward(x.AsSpan(start, end - start), split.AsSpan(start, end - start), dy.AsSpan(start, end - start), 0.9f, dxSplit.AsSpan(start, end - start));
        }
        Assert.Equal(whole, split);
        Assert.Equal(dxWhole, dxSplit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(129)]
    public void AdamStep_MatchesDoublePrecisionReference(int count)
    {
        var g = TestArrays.RandomFloats(count, 1);
        var w = TestArrays.RandomFloats(count, 2);
        var m = TestArrays.RandomFloats(count, 3, 0.1f);
        var v = TestArrays.RandomFloats(count, 4, 0.1f).Select(Math.Abs).ToArray();
        var wRef = TestArrays.ToDoubles(w);
        var mRef = TestArrays.ToDoubles(m);
        var vRef = TestArrays.ToDoubles(v);
        for (var step = 1; step <= 3; step++)
        {
            OptimizerKernels.AdamStep(g, step, 1e-2, 0.9, 0.999, 1e-8, w, m, v);
            OptimizerKernels.AdamStepReference<double>(TestArrays.ToDoubles(g), step, 1e-2, 0.9, 0.999, 1e-8, wRef, mRef, vRef);
        }
        TestArrays.AssertClose(wRef, TestArrays.ToDoubles(w), 1e-5, "w");
        TestArrays.AssertClose(mRef, TestArrays.ToDoubles(m), 1e-5, "m");
        TestArrays.AssertClose(vRef, TestArrays.ToDoubles(v), 1e-5, "v");
    }

    [Fact]
    public void AdamStep_MatchesHandComputedTwoSteps()
    {
        // Hand-worked with eqs. 34–36, η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8, w0 = 1:
        // step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, w = 1 − 0.1·0.5/0.5 = 0.9.
        // step 2, g = −1: m = −0.055, v = 0.00124975, m̂ = −0.055/0.19 = −0.2894737, v̂ = 0.00124975/0.001999 = 0.6251876,
        //   w = 0.9 + 0.1·0.2894737/0.7906881 = 0.9366104.
        float[] w = [1f];
        float[] m = [0f];
        float[] v = [0f];
        OptimizerKernels.AdamStep([0.5f], 1, 0.1, 0.9, 0.999, 1e-8, w, m, v);
        Assert.Equal(0.9, w[0], 1e-6);
        Assert.Equal(0.05, m[0], 1e-7);
        Assert.Equal(0.00025, v[0], 1e-9);
        OptimizerKernels.AdamStep([-1f], 2, 0.1, 0.9, 0.999, 1e-8, w, m, v);
        Assert.Equal(-0.055, m[0], 1e-7);
        Assert.Equal(0.00124975, v[0], 1e-8);
        Assert.Equal(0.9366104, w[0], 1e-5);
    }

    // A moment that would fall below the smallest normal float is stored as zero, by the vector bodies and the scalar
    // tail alike (37 elements: two 16-wide or four 8-wide vectors and a tail of 5; the ISA runs of ./test.sh take the
    // other paths); a moment just above it, and every weight whose moments were flushed, are left as they were.
    [Theory]
    [InlineData(37, 0)]
    [InlineData(37, 5)]
    [InlineData(37, 36)]
    public void AdamStep_StoresMomentsThatFallBelowTheSmallestNormalFloatAsZero(int count, int probe)
    {
        const float smallestNormal = 1.17549435E-38f;
        var g = new float[count];
        var w = TestArrays.RandomFloats(count, 5);
        var m = new float[count];
        var v = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Zero gradients: the moments decay by β1 = 0.9 and β2 = 0.999.
            m[i] = i % 2 == 0 ? smallestNormal : -smallestNormal;
            v[i] = smallestNormal;
        }

        m[probe] = 2 * smallestNormal;
        v[probe] = 2 * smallestNormal;
        var before = (float[])w.Clone();
        OptimizerKernels.AdamStep(g, 1, 1e-2, 0.9, 0.999, 1e-8, w, m, v);

        for (var i = 0; i < count; i++)
        {
            if (i == probe)
            {
                Assert.Equal(0.9f * 2 * smallestNormal, m[i]);
                Assert.Equal(0.999f * 2 * smallestNormal, v[i]);
                Assert.True(float.IsNormal(m[i]) && float.IsNormal(v[i]));
                continue;
            }

            Assert.Equal(0, BitConverter.SingleToInt32Bits(m[i]));
            Assert.Equal(0, BitConverter.SingleToInt32Bits(v[i]));
            Assert.Equal(before[i], w[i]);
        }
    }

    [Fact]
    public void SgdStep_SubtractsLearningRateTimesGradient()
    {
        float[] w = [1f, -2f, 0.5f];
        OptimizerKernels.SgdStep([0.5f, -1f, 0f], 0.1, w);
        Assert.Equal([0.95f, -1.9f, 0.5f], w);
    }
}
