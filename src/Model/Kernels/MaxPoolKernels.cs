using System.Numerics;

namespace Sweep.Model.Kernels;

/// <summary>
/// Max-pooling over square windows with a stride and no padding; the backward pass routes each output gradient to
/// the arg-max of its window (the first maximum on ties), accumulating where windows overlap.
/// </summary>
internal static class MaxPoolKernels
{
    /// <param name="x">Shape: [batch, C, H, W].</param>
    /// <param name="y">Shape: [batch, C, OH, OW]; overwritten.</param>
    /// <param name="argMax">Shape: [batch, C, OH, OW]; overwritten with the index into x of each maximum.</param>
    public static void Forward(ReadOnlySpan<float> x, PoolGeometry g, int batch, Span<float> y, Span<int> argMax)
    {
        int oh = g.OutHeight, ow = g.OutWidth, planeIn = g.Height * g.Width;
        var o = 0;
        for (var plane = 0; plane < batch * g.Channels; plane++)
        {
            var baseIndex = plane * planeIn;
            for (var i = 0; i < oh; i++)
            {
                for (var j = 0; j < ow; j++, o++)
                {
                    var top = baseIndex + i * g.Stride * g.Width + j * g.Stride;
                    var best = top;
                    var bestValue = x[top];
                    for (var a = 0; a < g.Window; a++)
                    {
                        var line = top + a * g.Width;
                        for (var b = 0; b < g.Window; b++)
                        {
                            var v = x[line + b];
                            if (v > bestValue)
                            {
                                bestValue = v;
                                best = line + b;
                            }
                        }
                    }
                    y[o] = bestValue;
                    argMax[o] = best - baseIndex;
                }
            }
        }
    }

    /// <param name="dy">Shape: [batch, C, OH, OW].</param>
    /// <param name="argMax">Shape: [batch, C, OH, OW], from <see cref="Forward"/>.</param>
    /// <param name="dx">Shape: [batch, C, H, W]; accumulated.</param>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argMax, PoolGeometry g, int batch, Span<float> dx)
    {
        int planeOut = g.OutHeight * g.OutWidth, planeIn = g.Height * g.Width;
        for (var plane = 0; plane < batch * g.Channels; plane++)
        {
            var target = dx.Slice(plane * planeIn, planeIn);
            var o = plane * planeOut;
            for (var p = 0; p < planeOut; p++)
            {
                target[argMax[o + p]] += dy[o + p];
            }
        }
    }

    /// <summary>Scalar reference: recomputes the arg-max from x and routes the gradient to it.</summary>
    public static void ForwardReference<T>(ReadOnlySpan<T> x, PoolGeometry g, int batch, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var plane = 0; plane < batch * g.Channels; plane++)
        {
            for (var i = 0; i < g.OutHeight; i++)
            {
                for (var j = 0; j < g.OutWidth; j++)
                {
                    y[(plane * g.OutHeight + i) * g.OutWidth + j] = x[ArgMax(x, g, plane, i, j)];
                }
            }
        }
    }

    /// <summary>Scalar reference of the backward pass.</summary>
    public static void BackwardReference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, PoolGeometry g, int batch, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var plane = 0; plane < batch * g.Channels; plane++)
        {
            for (var i = 0; i < g.OutHeight; i++)
            {
                for (var j = 0; j < g.OutWidth; j++)
                {
                    dx[ArgMax(x, g, plane, i, j)] += dy[(plane * g.OutHeight + i) * g.OutWidth + j];
                }
            }
        }
    }

    private static int ArgMax<T>(ReadOnlySpan<T> x, PoolGeometry g, int plane, int i, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var best = -1;
        for (var a = 0; a < g.Window; a++)
        {
            for (var b = 0; b < g.Window; b++)
            {
                var index = (plane * g.Height + i * g.Stride + a) * g.Width + j * g.Stride + b;
                if (best < 0 || x[index] > x[best])
                {
                    best = index;
                }
            }
        }
        return best;
    }
}
