namespace Sweep.Model.Data;

/// <summary>What the three file formats share: the class count, building datasets and checking split agreement.</summary>
internal static class DatasetFiles
{
    /// <summary>MNIST, CIFAR-10 and SVHN all have ten classes; a file label outside [0, 10) is an error.</summary>
    public const int Classes = 10;

    /// <summary>Scales 8-bit channel-major pixels to [0,1] and wraps them with their labels.</summary>
    public static Dataset Build(string name, ImageShape shape, ReadOnlySpan<byte> pixels, int[] labels)
    {
        var images = new float[pixels.Length];
        PixelScale.ToUnit(pixels, images);
        return new Dataset(name, shape, Classes, images, labels);
    }

    /// <summary>Pairs the splits, requiring both to have the same image shape.</summary>
    public static DatasetPair Pair(Dataset train, string trainFile, Dataset test, string testFile)
    {
        if (train.Shape != test.Shape)
        {
            throw new DatasetException(
                $"{testFile}: test images are {test.Shape} (channels x height x width) but the training images in " +
                $"{trainFile} are {train.Shape}; both splits must have the same shape.");
        }
        return new DatasetPair(train, test);
    }

    /// <summary>The error for a missing file: it names the path, what the directory should hold and where to get it.</summary>
    public static DatasetException Missing(string directory, string missing, string expected, string howToGet) =>
        new($"{Path.Combine(directory, missing)} does not exist. Expected {expected} in {directory}. {howToGet}");
}
