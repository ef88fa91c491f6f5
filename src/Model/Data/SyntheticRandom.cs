namespace Sweep.Model.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator whose output is fixed by its seed on every runtime
/// and platform, unlike System.Random. A stream is keyed by several numbers (seed, split, sample index) so any
/// sample can be generated on its own. Only integer arithmetic and IEEE-exact float operations are used, so the
/// generated datasets are bit-identical everywhere.
/// </summary>
internal sealed class SyntheticRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _state;

    public SyntheticRandom(params ReadOnlySpan<ulong> keys)
    {
        var state = Golden;
        foreach (var key in keys)
        {
            state = Mix(state ^ key) + Golden;
        }
        _state = state;
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every value exactly representable).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [low, high).</summary>
    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform in [0, count) by Lemire's multiply-shift (bias below 2⁻³² for the counts used here).</summary>
    public int NextInt(int count) => (int)(((NextUInt64() >> 32) * (ulong)count) >> 32);

    /// <summary>
    /// Approximately standard normal: the Irwin–Hall sum of four 16-bit uniforms taken from one draw, centred and
    /// scaled to variance 1. It avoids log and cos, whose last bits may differ between platforms, and every step
    /// is exact in float arithmetic.
    /// </summary>
    public float NextNormal()
    {
        var bits = NextUInt64();
        var sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48);
        // Each term is the uniform (k + ½) / 65536 on (0, 1); four of them have mean 2 and variance 1/3.
        return ((sum + 2f) / 65536f - 2f) * 1.7320508f;
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
