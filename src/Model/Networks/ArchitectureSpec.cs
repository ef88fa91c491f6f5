using Sweep.Model.Data;

namespace Sweep.Model.Networks;

/// <summary>
/// A parsed network architecture: a preset (<c>dnn</c>, <c>cnn</c>, <c>cnn2</c>) or the layer-stack syntax.
/// CONTRACT (owned by the engine work, issue 2): Parse, Text, HasConvolution, Describe.
/// </summary>
public sealed class ArchitectureSpec
{
    private ArchitectureSpec(string text)
    {
        Text = text;
    }

    /// <summary>Canonical layer-stack text of this architecture (presets expanded).</summary>
    public string Text { get; }

    /// <summary>Whether any layer is a convolution (so the grid's filter axis applies).</summary>
    public bool HasConvolution => throw new NotImplementedException("issue 2");

    /// <summary>
    /// Parses a preset name or a layer stack. <paramref name="filters"/> is the filter count of the first conv
    /// layer of a preset (null = the preset's default). Throws <see cref="ArchitectureException"/>.
    /// </summary>
    public static ArchitectureSpec Parse(string text, int? filters = null) => throw new NotImplementedException("issue 2");

    /// <summary>Layer shapes and parameter counts for an input shape; throws <see cref="ArchitectureException"/>
    /// when a size shrinks below 1.</summary>
    public string Describe(ImageShape input, int classes) => throw new NotImplementedException("issue 2");
}
