using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sweep.Model.Kernels;

/// <summary>
/// Fully connected layer <c>y = x·W + b</c> (paper eq. 19). Weights are stored input-major, [inputs, outputs],
/// so the forward pass is a plain product and the weight gradient is <c>xᵀ·dy</c>.
/// </summary>
internal static class DenseKernels
{
    /// <summary>Forward pass over the output columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>).</summary>
    /// <param name="x">Shape: [batch, inputs].</param>
    /// <param name="weights">Shape: [inputs, outputs].</param>
    /// <param name="bias">Shape: [outputs].</param>
    /// <param name="y">Shape: [batch, outputs]; overwritten.</param>
    public static void Forward(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias,
        int batch,
        int inputs,
        int outputs,
        Span<float> y,
        int columnStart,
        int columnEnd)
    {
        for (var n = 0; n < batch; n++)
        {
            bias[columnStart..columnEnd].CopyTo(y.Slice(n * outputs + columnStart, columnEnd - columnStart));
        }
        Gemm.MultiplyColumns(x, false, weights, false, batch, outputs, inputs, y, true, columnStart, columnEnd);
    }

    /// <summary>Weight gradient <c>dW = xᵀ·dy</c> (eq. 22) over the output columns [start, end).</summary>
    /// <param name="x">Shape: [batch, inputs].</param>
    /// <param name="dy">Shape: [batch, outputs].</param>
    /// <param name="weightGrad">Shape: [inputs, outputs]; overwritten (no zeroing pass, no read of the old values).</param>
    public static void BackwardWeights(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> dy,
        int batch,
        int inputs,
        int outputs,
        Span<float> weightGrad,
        int columnStart,
        int columnEnd)
    {
        Gemm.MultiplyColumns(x, true, dy, false, inputs, outputs, batch, weightGrad, false, columnStart, columnEnd);
    }

    /// <summary>Bias gradient <c>db = Σ_n dy[n]</c> (eq. 23), summed over the batch in order.</summary>
    /// <param name="dy">Shape: [batch, outputs].</param>
    /// <param name="biasGrad">Shape: [outputs]; overwritten.</param>
    public static void BackwardBias(ReadOnlySpan<float> dy, int batch, int outputs, Span<float> biasGrad)
    {
        biasGrad[..outputs].Clear();
        for (var n = 0; n < batch; n++)
        {
            Elementwise.Add(dy.Slice(n * outputs, outputs), biasGrad);
        }
    }

    /// <summary>Input gradient <c>dx = dy·Wᵀ</c> (eq. 21) over the input columns [start, end).</summary>
    /// <param name="dy">Shape: [batch, outputs].</param>
    /// <param name="weights">Shape: [inputs, outputs].</param>
    /// <param name="dx">Shape: [batch, inputs]; overwritten.</param>
    public static void BackwardInput(
        ReadOnlySpan<float> dy,
        ReadOnlySpan<float> weights,
        int batch,
        int inputs,
        int outputs,
        Span<float> dx,
        int columnStart,
        int columnEnd)
    {
        Gemm.MultiplyColumns(dy, false, weights, true, batch, inputs, outputs, dx, false, columnStart, columnEnd);
    }

    /// <summary>Scalar reference of the forward pass.</summary>
    public static void ForwardReference<T>(
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> weights,
        ReadOnlySpan<T> bias,
        int batch,
        int inputs,
        int outputs,
        Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < batch; n++)
        {
            for (var o = 0; o < outputs; o++)
            {
                var sum = bias[o];
                for (var i = 0; i < inputs; i++)
                {
                    sum += x[n * inputs + i] * weights[i * outputs + o];
                }
                y[n * outputs + o] = sum;
            }
        }
    }

    /// <summary>Scalar reference of the backward pass, accumulating (+=) as the equations read; <paramref name="dx"/>
    /// may be empty (input gradient not needed).</summary>
    public static void BackwardReference<T>(
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> weights,
        ReadOnlySpan<T> dy,
        int batch,
        int inputs,
        int outputs,
        Span<T> dx,
        Span<T> weightGrad,
        Span<T> biasGrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < batch; n++)
        {
            for (var o = 0; o < outputs; o++)
            {
                var g = dy[n * outputs + o];
                biasGrad[o] += g;
                for (var i = 0; i < inputs; i++)
                {
                    weightGrad[i * outputs + o] += x[n * inputs + i] * g;
                    if (!dx.IsEmpty)
                    {
                        dx[n * inputs + i] += weights[i * outputs + o] * g;
                    }
                }
            }
        }
    }
}
