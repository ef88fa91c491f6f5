namespace Sweep.Model.Kernels;

/// <summary>Sizes of one max-pooling layer: a square window moved by a stride, no padding.</summary>
internal readonly record struct PoolGeometry(int Channels, int Height, int Width, int Window, int Stride)
{
    public int OutHeight => (Height - Window) / Stride + 1;

    public int OutWidth => (Width - Window) / Stride + 1;

    public int InputSize => Channels * Height * Width;

    public int OutputSize => Channels * OutHeight * OutWidth;
}
