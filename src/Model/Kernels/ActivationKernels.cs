using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sweep.Model.Kernels;

/// <summary>ReLU and ELU(α) (paper Sec. 2), vectorised, with scalar references.</summary>
internal static class ActivationKernels
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    /// <param name="x">Shape: [count].</param>
    /// <param name="y">Shape: [count]; overwritten.</param>
    public static void ReluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                Vector512.Max(Vector512.Create(x.Slice(i)), Vector512<float>.Zero).CopyTo(y.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 8; i += 8)
            {
                Vector256.Max(Vector256.Create(x.Slice(i)), Vector256<float>.Zero).CopyTo(y.Slice(i));
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : 0f;
        }
    }

    /// <summary><c>dx = dy · [y &gt; 0]</c>. The mask is added to +0 so that a −0 in dy comes out +0, exactly the bits
    /// that accumulating into a zeroed dx gave.</summary>
    /// <param name="y">Shape: [count]; the forward output.</param>
    /// <param name="dy">Shape: [count].</param>
    /// <param name="dx">Shape: [count]; overwritten (may be <paramref name="dy"/> itself).</param>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - 16; i += 16)
            {
                var mask = Vector512.GreaterThan(Vector512.Create(y.Slice(i)), Vector512<float>.Zero);
                (Vector512<float>.Zero + (Vector512.Create(dy.Slice(i)) & mask)).CopyTo(dx.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= y.Length - 8; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.Create(y.Slice(i)), Vector256<float>.Zero);
                (Vector256<float>.Zero + (Vector256.Create(dy.Slice(i)) & mask)).CopyTo(dx.Slice(i));
            }
        }
        for (; i < y.Length; i++)
        {
            dx[i] = 0f + (y[i] > 0f ? dy[i] : 0f);
        }
    }

    /// <summary><c>y = x</c> for x &gt; 0, else <c>α(eˣ − 1)</c>.</summary>
    public static void EluForward(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= x.Length - 8; i += 8)
            {
                EluVector(Vector256.Create(x.Slice(i)), a).CopyTo(y.Slice(i));
            }
            if (i < x.Length)
            {
                // The tail goes through the same vector exp as the body, so an element's value never depends on
                // where a split (threads, batch size) puts it.
                Span<float> tail = stackalloc float[8];
                tail.Clear();
                x[i..].CopyTo(tail);
                EluVector(Vector256.Create((ReadOnlySpan<float>)tail), a).CopyTo(tail);
                tail[..(x.Length - i)].CopyTo(y[i..]);
            }
            return;
        }
        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : alpha * (MathF.Exp(x[i]) - 1f);
        }
    }

    private static Vector256<float> EluVector(Vector256<float> v, Vector256<float> alpha)
    {
        var negative = alpha * (Vector256.Exp(Vector256.Min(v, Vector256<float>.Zero)) - Vector256<float>.One);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, negative);
    }

    /// <summary><c>dx = dy</c> for x &gt; 0, else <c>dy·(y + α)</c> (the derivative α·eˣ), added to +0 like
    /// <see cref="ReluBackward"/>.</summary>
    /// <param name="x">Shape: [count]; the forward input.</param>
    /// <param name="y">Shape: [count]; the forward output.</param>
    /// <param name="dx">Shape: [count]; overwritten.</param>
    public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= x.Length - 8; i += 8)
            {
                var g = Vector256.Create(dy.Slice(i));
                var slope = Vector256.ConditionalSelect(
                    Vector256.GreaterThan(Vector256.Create(x.Slice(i)), Vector256<float>.Zero),
                    Vector256<float>.One,
                    Vector256.Create(y.Slice(i)) + a);
                (Vector256<float>.Zero + g * slope).CopyTo(dx.Slice(i));
            }
        }
        for (; i < x.Length; i++)
        {
            dx[i] = 0f + (x[i] > 0f ? dy[i] : dy[i] * (y[i] + alpha));
        }
    }

    public static void ReluForwardReference<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > T.Zero ? x[i] : T.Zero;
        }
    }

    public static void ReluBackwardReference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            dx[i] += x[i] > T.Zero ? dy[i] : T.Zero;
        }
    }

    public static void EluForwardReference<T>(ReadOnlySpan<T> x, T alpha, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > T.Zero ? x[i] : alpha * (T.Exp(x[i]) - T.One);
        }
    }

    public static void EluBackwardReference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, T alpha, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            dx[i] += x[i] > T.Zero ? dy[i] : dy[i] * alpha * T.Exp(x[i]);
        }
    }
}
