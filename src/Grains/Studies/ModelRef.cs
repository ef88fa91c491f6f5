namespace Sweep.Grains.Studies;

/// <summary>A model of the study: an architecture with a filter count (0 for architectures without convolution).</summary>
public sealed record ModelRef(string Architecture, int Filters)
{
    /// <summary>How tables name the model, e.g. <c>cnn f3</c> or <c>dnn</c>.</summary>
    public string Label => Filters > 0 ? $"{Architecture} f{Filters}" : Architecture;

    /// <summary>The label as a file-name part, e.g. <c>cnn-f3</c>.</summary>
    public string Slug => Filters > 0 ? $"{Architecture}-f{Filters}" : Architecture;
}
