namespace Sweep.Model.Data;

/// <summary>Converts between the files' 8-bit pixels and the [0,1] floats every <see cref="Dataset"/> holds.</summary>
internal static class PixelScale
{
    private static readonly float[] ByteToUnit = CreateTable();

    /// <summary>Pixel byte b becomes b / 255.</summary>
    public static float ToUnit(byte value) => ByteToUnit[value];

    /// <summary>Scales all of <paramref name="source"/> into <paramref name="destination"/> (same length).</summary>
    public static void ToUnit(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = ByteToUnit[source[i]];
        }
    }

    /// <summary>The nearest 8-bit level of a [0,1] value (clamped; NaN becomes 0), so ToUnit(ToByte(x)) ≈ x.</summary>
    public static byte ToByte(float value)
    {
        if (!(value > 0))
        {
            return 0;
        }
        return value >= 1 ? (byte)255 : (byte)MathF.Round(value * 255f, MidpointRounding.AwayFromZero);
    }

    /// <summary>ITU-R BT.601 luma of an RGB pixel, for writing colour data into one-channel formats.</summary>
    public static float Grey(float red, float green, float blue) => 0.299f * red + 0.587f * green + 0.114f * blue;

    private static float[] CreateTable()
    {
        var table = new float[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = i / 255f;
        }
        return table;
    }
}
