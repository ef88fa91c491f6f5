namespace Sweep.Model.Networks;

/// <summary>One parsed layer of an architecture.</summary>
/// <param name="Size">Filters (conv), window side (pool) or units (dense).</param>
/// <param name="Kernel">Filter side of a convolution; 0 otherwise.</param>
/// <param name="Stride">Stride of a conv or pool; 0 for dense.</param>
/// <param name="Padding">Zero padding of a convolution; 0 otherwise.</param>
internal sealed record LayerSpec(LayerKind Kind, int Size, int Kernel, int Stride, int Padding)
{
    /// <summary>The canonical token, e.g. <c>conv16k3s1p1</c>, <c>pool2s2</c>, <c>dense128</c>.</summary>
    public string Token => Kind switch
    {
        LayerKind.Convolution => $"conv{Size}k{Kernel}s{Stride}p{Padding}",
        LayerKind.MaxPool => $"pool{Size}s{Stride}",
        _ => $"dense{Size}",
    };

    /// <summary>Words for messages and <see cref="ArchitectureSpec.Describe"/>.</summary>
    public string Summary => Kind switch
    {
        LayerKind.Convolution => $"conv {Size} filters {Kernel}x{Kernel} stride {Stride} pad {Padding}",
        LayerKind.MaxPool => $"max-pool {Size}x{Size} stride {Stride}",
        _ => $"dense {Size}",
    };
}
