using System.Buffers.Binary;
using System.IO.Compression;

namespace Sweep.Model.Data;

/// <summary>
/// MNIST's IDX files (http://yann.lecun.com/exdb/mnist/): a big-endian header — magic 0x00000803 for images
/// (unsigned bytes, 3 dimensions: count, rows, columns) or 0x00000801 for labels (1 dimension: count) — then the
/// bytes. Any image size is accepted (8×8 as well as 28×28); each file may be raw or gzip-compressed (".gz").
/// </summary>
internal static class MnistFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public const string HowToGet =
        "Download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and " +
        "t10k-labels-idx1-ubyte.gz (http://yann.lecun.com/exdb/mnist/ or a mirror) into that directory; " +
        "they may stay gzip-compressed.";

    private const uint ImageMagic = 0x00000803;
    private const uint LabelMagic = 0x00000801;
    private const int MaxSide = 4096;

    private static readonly string Expected = $"{TrainImages}, {TrainLabels}, {TestImages} and {TestLabels} (each raw or .gz)";

    public static DatasetPair Load(string directory, string name)
    {
        var (train, trainFile) = LoadSplit(directory, $"{name}/train", TrainImages, TrainLabels);
        var (test, testFile) = LoadSplit(directory, $"{name}/test", TestImages, TestLabels);
        return DatasetFiles.Pair(train, trainFile, test, testFile);
    }

    /// <summary>Writes both splits (one channel; colour images are converted to grey, BT.601 luma).</summary>
    public static void Write(DatasetPair pair, string directory, bool gzip = false)
    {
        var suffix = gzip ? ".gz" : "";
        WriteSplit(pair.Train, Path.Combine(directory, TrainImages + suffix), Path.Combine(directory, TrainLabels + suffix));
        WriteSplit(pair.Test, Path.Combine(directory, TestImages + suffix), Path.Combine(directory, TestLabels + suffix));
    }

    /// <summary>Reads an IDX image file: count images of 1 × rows × columns, as bytes.</summary>
    public static (ImageShape Shape, byte[] Pixels, int Count) ReadImages(string path)
    {
        var region = ByteRegion.ReadFile(path, bigEndian: true);
        CheckMagic(region, ImageMagic, "images with 3 dimensions");
        var count = region.Int32(4, "image count");
        var rows = region.Int32(8, "row count");
        var columns = region.Int32(12, "column count");
        if (count < 1)
        {
            throw new DatasetException($"{region.Where(4, "image count")}: expected at least 1 image, found {count}.");
        }
        CheckSide(region, 8, "row count", rows);
        CheckSide(region, 12, "column count", columns);
        var size = (long)rows * columns;
        var pixels = region.Span(16, size * count, $"pixels of {count} images of {rows}x{columns}");
        CheckEnd(region, 16 + size * count, $"{count} images of {rows}x{columns}");
        return (new ImageShape(1, rows, columns), pixels.ToArray(), count);
    }

    /// <summary>Reads an IDX label file; every label must lie in [0, 10).</summary>
    public static int[] ReadLabels(string path)
    {
        var region = ByteRegion.ReadFile(path, bigEndian: true);
        CheckMagic(region, LabelMagic, "labels with 1 dimension");
        var count = region.Int32(4, "label count");
        if (count < 1)
        {
            throw new DatasetException($"{region.Where(4, "label count")}: expected at least 1 label, found {count}.");
        }
        var bytes = region.Span(8, count, $"{count} labels");
        CheckEnd(region, 8L + count, $"{count} labels");
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (bytes[i] >= DatasetFiles.Classes)
            {
                throw new DatasetException(
                    $"{region.Where(8 + i, $"label of image {i}")}: expected 0-{DatasetFiles.Classes - 1}, found {bytes[i]}.");
            }
            labels[i] = bytes[i];
        }
        return labels;
    }

    private static (Dataset Dataset, string ImagesFile) LoadSplit(
        string directory, string name, string imagesName, string labelsName)
    {
        var imagesFile = Find(directory, imagesName);
        var labelsFile = Find(directory, labelsName);
        var (shape, pixels, count) = ReadImages(imagesFile);
        var labels = ReadLabels(labelsFile);
        if (labels.Length != count)
        {
            throw new DatasetException(
                $"{imagesFile} holds {count} images but {labelsFile} holds {labels.Length} labels; the counts must match.");
        }
        return (DatasetFiles.Build(name, shape, pixels, labels), imagesFile);
    }

    private static string Find(string directory, string name)
    {
        var raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }
        if (File.Exists(raw + ".gz"))
        {
            return raw + ".gz";
        }
        throw DatasetFiles.Missing(directory, name + "[.gz]", Expected, HowToGet);
    }

    private static void CheckMagic(ByteRegion region, uint expected, string what)
    {
        var magic = region.UInt32(0, "magic number");
        if (magic != expected)
        {
            var hint = (magic == ImageMagic || magic == LabelMagic) ? " (an image file and a label file are swapped?)" : "";
            throw new DatasetException(
                $"{region.Where(0, "magic number")}: expected 0x{expected:X8} (IDX unsigned-byte {what}), " +
                $"found 0x{magic:X8}{hint}.");
        }
    }

    private static void CheckSide(ByteRegion region, int offset, string field, int value)
    {
        if (value < 1 || value > MaxSide)
        {
            throw new DatasetException($"{region.Where(offset, field)}: expected 1-{MaxSide}, found {value}.");
        }
    }

    private static void CheckEnd(ByteRegion region, long end, string what)
    {
        if (region.Length != end)
        {
            throw new DatasetException(
                $"{region.Where(end, "end of data")}: the header promises {what} ending at byte {end}, but the file has " +
                $"{region.Length - end} more bytes; the header or the file is wrong.");
        }
    }

    private static void WriteSplit(Dataset dataset, string imagesPath, string labelsPath)
    {
        var shape = dataset.Shape;
        if (shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"MNIST files hold grey or RGB-converted images, not {shape}.", nameof(dataset));
        }
        var plane = shape.Height * shape.Width;
        var pixels = new byte[dataset.Count * plane];
        for (var n = 0; n < dataset.Count; n++)
        {
            var image = dataset.Image(n);
            for (var p = 0; p < plane; p++)
            {
                var value = shape.Channels == 3
                    ? PixelScale.Grey(image[p], image[plane + p], image[2 * plane + p])
                    : image[p];
                pixels[n * plane + p] = PixelScale.ToByte(value);
            }
        }
        WriteIdx(imagesPath, ImageMagic, [dataset.Count, shape.Height, shape.Width], pixels);
        var labels = new byte[dataset.Count];
        for (var n = 0; n < dataset.Count; n++)
        {
            labels[n] = (byte)dataset.Labels[n];
        }
        WriteIdx(labelsPath, LabelMagic, [dataset.Count], labels);
    }

    private static void WriteIdx(string path, uint magic, int[] dimensions, byte[] data) =>
        AtomicFile.Write(path, stream =>
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                WriteIdx(gzip, magic, dimensions, data);
            }
            else
            {
                WriteIdx(stream, magic, dimensions, data);
            }
        });

    private static void WriteIdx(Stream output, uint magic, int[] dimensions, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, magic);
        output.Write(word);
        foreach (var dimension in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, dimension);
            output.Write(word);
        }
        output.Write(data);
    }
}
