using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sweep.Model.Optimizers;

/// <summary>Parameter updates over flat parameter/gradient arrays: ADAM (eqs. 34–36) and plain SGD.</summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// One ADAM step t ≥ 1 with bias correction: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
    /// w ← w − η·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
    /// </summary>
    /// <param name="gradients">Shape: [count].</param>
    /// <param name="parameters">Shape: [count]; updated.</param>
    /// <param name="firstMoment">Shape: [count]; updated.</param>
    /// <param name="secondMoment">Shape: [count]; updated.</param>
    public static void AdamStep(
        ReadOnlySpan<float> gradients,
        int step,
        double learningRate,
        double beta1,
        double beta2,
        double epsilon,
        Span<float> parameters,
        Span<float> firstMoment,
        Span<float> secondMoment)
    {
        var b1 = (float)beta1;
        var b2 = (float)beta2;
        var c1 = (float)(1 - beta1);
        var c2 = (float)(1 - beta2);
        var rate = (float)(learningRate / (1 - Math.Pow(beta1, step)));
        var correction2 = (float)(1 / (1 - Math.Pow(beta2, step)));
        var eps = (float)epsilon;
        var i = 0;
        // Moments below the smallest normal float are stored as zero (see FlushSubnormal).
        // Every path does the same IEEE operations in the same order (no fused multiply-add), so the vector widths
        // and the scalar tail give the same bits for an element wherever it falls.
        if (Vector512.IsHardwareAccelerated)
        {
            var vb1 = Vector512.Create(b1);
            var vb2 = Vector512.Create(b2);
            var vc1 = Vector512.Create(c1);
            var vc2 = Vector512.Create(c2);
            var vRate = Vector512.Create(rate);
            var vCorrection2 = Vector512.Create(correction2);
            var vEps = Vector512.Create(eps);
            var vMinNormal = Vector512.Create(MinNormal);
            for (; i <= gradients.Length - 16; i += 16)
            {
                var g = Vector512.Create(gradients.Slice(i));
                var m = vb1 * Vector512.Create(firstMoment.Slice(i)) + vc1 * g;
                var v = vb2 * Vector512.Create(secondMoment.Slice(i)) + vc2 * (g * g);
                m = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(m), vMinNormal), Vector512<float>.Zero, m);
                v = Vector512.ConditionalSelect(Vector512.LessThan(v, vMinNormal), Vector512<float>.Zero, v);
                var w = Vector512.Create(parameters.Slice(i)) - vRate * m / (Vector512.Sqrt(v * vCorrection2) + vEps);
                m.CopyTo(firstMoment.Slice(i));
                v.CopyTo(secondMoment.Slice(i));
                w.CopyTo(parameters.Slice(i));
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(b1);
            var vb2 = Vector256.Create(b2);
            var vc1 = Vector256.Create(c1);
            var vc2 = Vector256.Create(c2);
            var vRate = Vector256.Create(rate);
            var vCorrection2 = Vector256.Create(correction2);
            var vEps = Vector256.Create(eps);
            var vMinNormal = Vector256.Create(MinNormal);
            for (; i <= gradients.Length - 8; i += 8)
            {
                var g = Vector256.Create(gradients.Slice(i));
                var m = vb1 * Vector256.Create(firstMoment.Slice(i)) + vc1 * g;
                var v = vb2 * Vector256.Create(secondMoment.Slice(i)) + vc2 * (g * g);
                m = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(m), vMinNormal), Vector256<float>.Zero, m);
                v = Vector256.ConditionalSelect(Vector256.LessThan(v, vMinNormal), Vector256<float>.Zero, v);
                var w = Vector256.Create(parameters.Slice(i)) - vRate * m / (Vector256.Sqrt(v * vCorrection2) + vEps);
                m.CopyTo(firstMoment.Slice(i));
                v.CopyTo(secondMoment.Slice(i));
                w.CopyTo(parameters.Slice(i));
            }
        }
        for (; i < gradients.Length; i++)
        {
            var g = gradients[i];
            var m = FlushSubnormal(b1 * firstMoment[i] + c1 * g);
            var v = FlushSubnormal(b2 * secondMoment[i] + c2 * (g * g));
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] -= rate * m / (MathF.Sqrt(v * correction2) + eps);
        }
    }

    // The smallest normal float, 2^-126.
    private const float MinNormal = 1.17549435E-38f;

    /// <summary>
    /// Zero for a moment below the smallest normal float, else the moment. A weight whose gradient is exactly zero (a
    /// unit dead on the batch) has its moments decay geometrically through the subnormal range, where x86
    /// arithmetic is several times slower, for hundreds of steps (the second moment, at β2 = 0.999, for about 16 000);
    /// such a moment moves its weight by less than 10^-30 of the learning rate, so storing it as zero changes no
    /// result that matters and keeps the step at full speed. Every path flushes alike, so the bits still agree.
    /// </summary>
    private static float FlushSubnormal(float moment) => MathF.Abs(moment) < MinNormal ? 0f : moment;

    /// <summary>Scalar double-precision reference of <see cref="AdamStep"/>, straight from eqs. 34–36.</summary>
    public static void AdamStepReference<T>(
        ReadOnlySpan<T> gradients,
        int step,
        T learningRate,
        T beta1,
        T beta2,
        T epsilon,
        Span<T> parameters,
        Span<T> firstMoment,
        Span<T> secondMoment)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < gradients.Length; i++)
        {
            firstMoment[i] = beta1 * firstMoment[i] + (T.One - beta1) * gradients[i];
            secondMoment[i] = beta2 * secondMoment[i] + (T.One - beta2) * gradients[i] * gradients[i];
            var mHat = firstMoment[i] / (T.One - T.Pow(beta1, T.CreateTruncating(step)));
            var vHat = secondMoment[i] / (T.One - T.Pow(beta2, T.CreateTruncating(step)));
            parameters[i] -= learningRate * mHat / (T.Sqrt(vHat) + epsilon);
        }
    }

    /// <summary>Plain SGD: w ← w − η·g.</summary>
    public static void SgdStep(ReadOnlySpan<float> gradients, double learningRate, Span<float> parameters)
    {
        var rate = (float)learningRate;
        for (var i = 0; i < gradients.Length; i++)
        {
            parameters[i] -= rate * gradients[i];
        }
    }
}
