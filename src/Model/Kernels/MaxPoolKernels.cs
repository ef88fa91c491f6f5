using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sweep.Model.Kernels;

/// <summary>
/// Max-pooling over square windows with a stride and no padding; the backward pass routes each output gradient to
/// the arg-max of its window (the first maximum on ties), summing where windows overlap.
/// </summary>
internal static class MaxPoolKernels
{
    /// <param name="x">Shape: [batch, C, H, W].</param>
    /// <param name="y">Shape: [batch, C, OH, OW]; overwritten.</param>
    /// <param name="argMax">Shape: [batch, C, OH, OW]; overwritten with the index within its input plane of each maximum.</param>
    public static unsafe void Forward(ReadOnlySpan<float> x, PoolGeometry g, int batch, Span<float> y, Span<int> argMax)
    {
        int oh = g.OutHeight, ow = g.OutWidth, width = g.Width, planeIn = g.Height * width, window = g.Window, stride = g.Stride;
        var planes = batch * g.Channels;
        if (x.Length < planes * planeIn || y.Length < planes * oh * ow || argMax.Length < planes * oh * ow)
        {
            throw new ArgumentException($"Max-pool buffers too small for {batch} images of {g.Channels}x{g.Height}x{width}.");
        }
        fixed (float* xStart = x, yStart = y)
        fixed (int* argStart = argMax)
        {
            var yp = yStart;
            var ap = argStart;
            for (var plane = 0; plane < planes; plane++)
            {
                var xp = xStart + (long)plane * planeIn;
                for (var i = 0; i < oh; i++)
                {
                    var top = i * stride * width;
                    if (window == 2)
                    {
                        var j = 0;
                        if (stride == 2 && Avx512F.IsSupported)
                        {
                            for (; j + 16 <= ow; j += 16, yp += 16, ap += 16)
                            {
                                Pool2x2Stride2(xp + top + 2 * j, width, top + 2 * j, yp, ap, 16);
                            }
                            // The rest of the row (all of it when OW < 16, as on 28x28 and 14x14 inputs) with
                            // masked loads and stores instead of the scalar loop.
                            if (j < ow)
                            {
                                var rest = ow - j;
                                Pool2x2Stride2(xp + top + 2 * j, width, top + 2 * j, yp, ap, rest);
                                j += rest;
                                yp += rest;
                                ap += rest;
                            }
                        }
                        // The paper's 2×2 pool, unrolled and branch-free (comparisons become 0/1 indices: random data
                        // defeats the branch predictor); ties keep the first maximum in row-major window order.
                        for (; j < ow; j++, yp++, ap++)
                        {
                            var index = top + j * stride;
                            var upper = xp[index + 1] > xp[index] ? 1 : 0;
                            var lower = xp[index + width + 1] > xp[index + width] ? 1 : 0;
                            var takeLower = xp[index + width + lower] > xp[index + upper] ? 1 : 0;
                            var best = index + upper + takeLower * (width + lower - upper);
                            *yp = xp[best];
                            *ap = best;
                        }
                        continue;
                    }
                    for (var j = 0; j < ow; j++, yp++, ap++)
                    {
                        var corner = top + j * stride;
                        var best = corner;
                        var value = xp[corner];
                        for (var a = 0; a < window; a++)
                        {
                            var line = corner + a * width;
                            for (var b = 0; b < window; b++)
                            {
                                if (xp[line + b] > value)
                                {
                                    value = xp[line + b];
                                    best = line + b;
                                }
                            }
                        }
                        *yp = value;
                        *ap = best;
                    }
                }
            }
        }
    }

    /// <summary>Up to sixteen outputs of a 2×2 stride-2 pool at once: even and odd columns are separated with a
    /// two-register permute, then compared exactly as the scalar loop does (first maximum wins ties). Fewer than
    /// sixteen (<paramref name="count"/>) read and write through masks, touching nothing past the row's inputs.</summary>
    /// <param name="x">Top-left input of the first window.</param>
    /// <param name="index">Plane index of <paramref name="x"/>.</param>
    private static unsafe void Pool2x2Stride2(float* x, int width, int index, float* y, int* argMax, int count)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = even + Vector512<int>.One;
        Vector512<float> top0, top1, bottom0, bottom1;
        if (count == 16)
        {
            top0 = Vector512.Load(x);
            top1 = Vector512.Load(x + 16);
            bottom0 = Vector512.Load(x + width);
            bottom1 = Vector512.Load(x + width + 16);
        }
        else
        {
            var low = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * count)).AsSingle();
            var high = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * count - 16)).AsSingle();
            top0 = Avx512F.MaskLoad(x, low, Vector512<float>.Zero);
            top1 = Avx512F.MaskLoad(x + 16, high, Vector512<float>.Zero);
            bottom0 = Avx512F.MaskLoad(x + width, low, Vector512<float>.Zero);
            bottom1 = Avx512F.MaskLoad(x + width + 16, high, Vector512<float>.Zero);
        }
        var v0 = Avx512F.PermuteVar16x32x2(top0, even, top1);
        var v1 = Avx512F.PermuteVar16x32x2(top0, odd, top1);
        var v2 = Avx512F.PermuteVar16x32x2(bottom0, even, bottom1);
        var v3 = Avx512F.PermuteVar16x32x2(bottom0, odd, bottom1);
        var upper = Vector512.GreaterThan(v1, v0);
        var upperValue = Vector512.ConditionalSelect(upper, v1, v0);
        var lower = Vector512.GreaterThan(v3, v2);
        var lowerValue = Vector512.ConditionalSelect(lower, v3, v2);
        var takeLower = Vector512.GreaterThan(lowerValue, upperValue);
        var values = Vector512.ConditionalSelect(takeLower, lowerValue, upperValue);
        var upperIndex = Vector512<int>.One & upper.AsInt32();
        var lowerIndex = Vector512.Create(width) + (Vector512<int>.One & lower.AsInt32());
        var offset = Vector512.ConditionalSelect(takeLower.AsInt32(), lowerIndex, upperIndex);
        var indices = Vector512.Create(index) + even + offset;
        if (count == 16)
        {
            values.Store(y);
            indices.Store(argMax);
            return;
        }
        var outputs = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count));
        Avx512F.MaskStore(y, outputs.AsSingle(), values);
        Avx512F.MaskStore(argMax, outputs, indices);
    }

    /// <param name="dy">Shape: [batch, C, OH, OW].</param>
    /// <param name="argMax">Shape: [batch, C, OH, OW], from <see cref="Forward"/>.</param>
    /// <param name="dx">Shape: [batch, C, H, W]; overwritten (each plane cleared while in cache, then routed to).</param>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argMax, PoolGeometry g, int batch, Span<float> dx)
    {
        int planeOut = g.OutHeight * g.OutWidth, planeIn = g.Height * g.Width;
        for (var plane = 0; plane < batch * g.Channels; plane++)
        {
            var target = dx.Slice(plane * planeIn, planeIn);
            target.Clear();
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
