namespace Sweep.Model.Data;

/// <summary>
/// A labelled image set held in memory. Images are stored contiguously, channel-major, pixels scaled to [0,1].
/// Immutable after construction: trainers and evaluators index into it, never copy or mutate it.
/// </summary>
public sealed class Dataset
{
    /// <param name="name">Display name (e.g. "mnist/train").</param>
    /// <param name="shape">Shape of each image.</param>
    /// <param name="classes">Number of classes; labels lie in [0, classes).</param>
    /// <param name="images">Shape: [count, channels, height, width], flattened.</param>
    /// <param name="labels">Shape: [count].</param>
    public Dataset(string name, ImageShape shape, int classes, float[] images, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (shape.Size <= 0)
        {
            throw new ArgumentException($"Image shape {shape} is empty.", nameof(shape));
        }
        if (images.Length != labels.Length * shape.Size)
        {
            throw new ArgumentException(
                $"{images.Length} pixels do not make {labels.Length} images of {shape}.", nameof(images));
        }
        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least 2 classes.");
        }
        foreach (var label in labels)
        {
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentException($"Label {label} is outside [0, {classes}).", nameof(labels));
            }
        }
        Name = name;
        Shape = shape;
        Classes = classes;
        Images = images;
        Labels = labels;
    }

    public string Name { get; }

    public ImageShape Shape { get; }

    public int Classes { get; }

    /// <summary>Shape: [Count, C, H, W], flattened. Do not mutate.</summary>
    public float[] Images { get; }

    /// <summary>Shape: [Count]. Do not mutate.</summary>
    public int[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * Shape.Size, Shape.Size);
}
