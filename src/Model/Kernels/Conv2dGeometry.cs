namespace Sweep.Model.Kernels;

/// <summary>Sizes of one 2-D convolution: square filters, equal stride and zero padding on both axes.</summary>
/// <param name="Channels">Input depth C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Filters">Output depth F.</param>
/// <param name="Kernel">Filter side K.</param>
internal readonly record struct Conv2dGeometry(int Channels, int Height, int Width, int Filters, int Kernel, int Stride, int Padding)
{
    /// <summary>Eqs. 41–44: H_out = (H − K + 2Z)/S + 1.</summary>
    public int OutHeight => (Height - Kernel + 2 * Padding) / Stride + 1;

    public int OutWidth => (Width - Kernel + 2 * Padding) / Stride + 1;

    /// <summary>Rows of the unrolled input: C·K·K (the fan-in of one output).</summary>
    public int PatchSize => Channels * Kernel * Kernel;

    public int OutPlane => OutHeight * OutWidth;

    public int InputSize => Channels * Height * Width;

    public int OutputSize => Filters * OutPlane;

    public int WeightCount => Filters * PatchSize;
}
