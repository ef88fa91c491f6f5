namespace Sweep.Model.Networks;

/// <summary>The kinds of layer the layer-stack syntax knows.</summary>
internal enum LayerKind
{
    Convolution,
    MaxPool,
    Dense,
}
