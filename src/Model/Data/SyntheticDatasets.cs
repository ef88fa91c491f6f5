namespace Sweep.Model.Data;

/// <summary>
/// Deterministic generated datasets: in memory, and written as files in each of the paper's formats so every
/// loader runs end to end. CONTRACT (owned by the data work, issue 2).
/// </summary>
/// <remarks>
/// Both generators make RGB images of ImageSize × ImageSize pixels with 10 classes, balanced (each class
/// ⌊n/10⌋ or ⌈n/10⌉ times) in a seeded random order. Every image comes from its own random stream keyed by
/// (generator, seed, split, index), so the same arguments give the same bits on every runtime and platform. A
/// size of 0 means the generator's default:
/// <list type="table">
/// <item><term>shapes</term><description>TrainSize 10 000, TestSize 2 000, ImageSize 16 (allowed 8–64).</description></item>
/// <item><term>gaussian</term><description>TrainSize 1 000, TestSize 200, ImageSize 8 (allowed 2–64).</description></item>
/// </list>
/// </remarks>
public static class SyntheticDatasets
{
    /// <summary>
    /// <c>shapes</c>: coloured objects of several classes at random positions and scales on varying backgrounds
    /// (a convolution genuinely helps); <c>gaussian</c>: class-conditional Gaussian blobs (fast smoke tests).
    /// </summary>
    public static IReadOnlyList<string> GeneratorNames { get; } = ["shapes", "gaussian"];

    private const int Channels = 3;
    private const ulong TrainSplit = 0;
    private const ulong TestSplit = 1;
    private const ulong LabelStream = ulong.MaxValue;
    private const ulong MeansStream = ulong.MaxValue - 1;

    private static readonly Dictionary<string, GeneratorDefaults> Defaults = new(StringComparer.Ordinal)
    {
        ["shapes"] = new(1, 10_000, 2_000, 16, 8, 64),
        ["gaussian"] = new(2, 1_000, 200, 8, 2, 64),
    };

    /// <summary>
    /// The source with every 0 size replaced by the generator's default and the generator name in canonical
    /// (lower) case; throws a <see cref="DatasetException"/> naming the field and the allowed range for anything invalid.
    /// </summary>
    public static SyntheticDatasetSource WithDefaults(SyntheticDatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var generator = source.Generator?.ToLowerInvariant() ?? "";
        if (!Defaults.TryGetValue(generator, out var defaults))
        {
            throw new DatasetException(
                $"Synthetic dataset '{source.Name}': unknown generator '{source.Generator}'; expected one of " +
                $"{string.Join(", ", GeneratorNames)}.");
        }
        var imageSize = source.ImageSize == 0 ? defaults.ImageSize : source.ImageSize;
        if (imageSize < defaults.MinImageSize || imageSize > defaults.MaxImageSize)
        {
            throw new DatasetException(
                $"Synthetic dataset '{source.Name}': ImageSize {source.ImageSize} is outside the {generator} generator's " +
                $"range {defaults.MinImageSize}-{defaults.MaxImageSize} (0 means {defaults.ImageSize}).");
        }
        var maxCount = Array.MaxLength / (Channels * imageSize * imageSize);
        var trainSize = CheckSize(source, "TrainSize", source.TrainSize, defaults.TrainSize, maxCount);
        var testSize = CheckSize(source, "TestSize", source.TestSize, defaults.TestSize, maxCount);
        return source with { Generator = generator, TrainSize = trainSize, TestSize = testSize, ImageSize = imageSize };
    }

    /// <summary>Generates the train and test sets in memory; the same arguments give the same bits.</summary>
    public static DatasetPair Generate(SyntheticDatasetSource source)
    {
        var settings = WithDefaults(source);
        var defaults = Defaults[settings.Generator];
        var seed = (ulong)(long)settings.Seed;
        float[]? means = settings.Generator == "gaussian"
            ? GaussianGenerator.Means(new SyntheticRandom(defaults.Key, seed, MeansStream), settings.ImageSize)
            : null;
        return new DatasetPair(
            GenerateSplit(settings, defaults.Key, seed, TrainSplit, settings.TrainSize, "train", means),
            GenerateSplit(settings, defaults.Key, seed, TestSplit, settings.TestSize, "test", means));
    }

    /// <summary>
    /// Writes a generated dataset into <paramref name="directory"/> under the format's standard file names, each
    /// file atomically. Pixels are quantised to 8 bits. MNIST files hold one channel: the RGB images are converted
    /// to grey (BT.601 luma). CIFAR-10 files hold 3×32×32 images and at most 50 000 training images: ImageSize must
    /// be 32 (no resampling, so what is written is exactly what was generated). SVHN files keep the generated size.
    /// </summary>
    /// <remarks>Every setting is checked and the images generated before <paramref name="directory"/> is created.</remarks>
    public static void WriteFiles(SyntheticDatasetSource source, DatasetFormat format, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var settings = WithDefaults(source);
        if (format == DatasetFormat.Cifar10)
        {
            if (settings.ImageSize != Cifar10Files.Side)
            {
                throw new DatasetException(
                    $"Synthetic dataset '{source.Name}': ImageSize {settings.ImageSize} cannot be written as CIFAR-10, " +
                    $"whose records hold {Cifar10Files.Side}x{Cifar10Files.Side} images; set ImageSize to {Cifar10Files.Side}.");
            }
            var maxTrain = Cifar10Files.TrainBatches * Cifar10Files.RecordsPerBatch;
            if (settings.TrainSize > maxTrain)
            {
                throw new DatasetException(
                    $"Synthetic dataset '{source.Name}': TrainSize {settings.TrainSize} does not fit CIFAR-10's " +
                    $"{Cifar10Files.TrainBatches} training batches; use at most {maxTrain}.");
            }
        }
        var pair = Generate(settings);
        Directory.CreateDirectory(directory);
        switch (format)
        {
            case DatasetFormat.Mnist:
                MnistFiles.Write(pair, directory);
                break;
            case DatasetFormat.Cifar10:
                Cifar10Files.Write(pair, directory);
                break;
            case DatasetFormat.Svhn:
                SvhnFiles.Write(pair, directory);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown dataset format.");
        }
    }

    private static int CheckSize(SyntheticDatasetSource source, string field, int value, int defaultValue, int max)
    {
        var size = value == 0 ? defaultValue : value;
        if (size < 1 || size > max)
        {
            throw new DatasetException(
                $"Synthetic dataset '{source.Name}': {field} {value} is outside 1-{max} (0 means {defaultValue}).");
        }
        return size;
    }

    private static Dataset GenerateSplit(
        SyntheticDatasetSource settings, ulong key, ulong seed, ulong split, int count, string splitName, float[]? means)
    {
        var size = settings.ImageSize;
        var shape = new ImageShape(Channels, size, size);
        var classes = settings.Generator == "gaussian" ? GaussianGenerator.Classes : ShapesGenerator.Classes;
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % classes;
        }
        new SyntheticRandom(key, seed, split, LabelStream).Shuffle(labels);

        var images = new float[count * shape.Size];
        for (var i = 0; i < count; i++)
        {
            var random = new SyntheticRandom(key, seed, split, (ulong)i);
            var image = images.AsSpan(i * shape.Size, shape.Size);
            if (means is null)
            {
                ShapesGenerator.Render(random, labels[i], size, image);
            }
            else
            {
                GaussianGenerator.Render(random, means.AsSpan(labels[i] * shape.Size, shape.Size), image);
            }
        }
        return new Dataset($"{settings.Name}/{splitName}", shape, classes, images, labels);
    }

    private sealed record GeneratorDefaults(
        ulong Key, int TrainSize, int TestSize, int ImageSize, int MinImageSize, int MaxImageSize);
}
