namespace Sweep.Model.Data;

/// <summary>Shape of one image: channels × height × width (channel-major storage).</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Number of floats in one image.</summary>
    public int Size => Channels * Height * Width;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
