using System.Runtime.Intrinsics;

namespace Sweep.Model.Kernels;

/// <summary>Small vectorised element-wise helpers shared by the kernels.</summary>
internal static class Elementwise
{
    /// <summary><c>target += source</c>, element by element.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> target)
    {
        if (target.Length < source.Length)
        {
            throw new ArgumentException("Target shorter than source.", nameof(target));
        }
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.Create(source.Slice(i)) + Vector256.Create(target.Slice(i))).CopyTo(target.Slice(i));
            }
        }
        for (; i < source.Length; i++)
        {
            target[i] += source[i];
        }
    }

    /// <summary>Sum of <paramref name="values"/> with eight interleaved partial sums (a fixed order, so
    /// deterministic) instead of one long dependency chain.</summary>
    public static float Sum(ReadOnlySpan<float> values)
    {
        var i = 0;
        var partial = Vector256<float>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                partial += Vector256.Create(values.Slice(i));
            }
        }
        var sum = Vector256.Sum(partial);
        for (; i < values.Length; i++)
        {
            sum += values[i];
        }
        return sum;
    }

    /// <summary>Sums <paramref name="count"/> consecutive blocks of <paramref name="length"/> floats into
    /// <paramref name="total"/>, block 0 first: the fixed order that keeps multi-threaded runs bit-identical.</summary>
    /// <param name="blocks">Shape: [count, length].</param>
    /// <param name="total">Shape: [length]; overwritten.</param>
    public static void SumBlocks(ReadOnlySpan<float> blocks, int count, int length, Span<float> total)
    {
        total[..length].Clear();
        for (var n = 0; n < count; n++)
        {
            Add(blocks.Slice(n * length, length), total);
        }
    }
}
