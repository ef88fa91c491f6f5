namespace Sweep.Model.Data;

/// <summary>
/// CIFAR-10's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): files of 3073-byte records, each one
/// label byte then 3072 pixel bytes — the R, G and B planes of a 32×32 image, rows in order. Training data is
/// whichever of data_batch_1.bin … data_batch_5.bin exist (at least one), test data is test_batch.bin. The files
/// may sit in the directory itself or in the archive's own subdirectory cifar-10-batches-bin.
/// </summary>
internal static class Cifar10Files
{
    public const string TestBatch = "test_batch.bin";
    public const string ArchiveSubdirectory = "cifar-10-batches-bin";
    public const int TrainBatches = 5;
    public const int RecordsPerBatch = 10_000;
    public const int Side = 32;

    public const string HowToGet =
        "Download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it there " +
        "(its cifar-10-batches-bin subdirectory is found too).";

    public static readonly ImageShape Shape = new(3, Side, Side);

    private const int RecordSize = 1 + 3 * Side * Side;

    private static readonly string Expected =
        $"{TrainBatchName(1)} … {TrainBatchName(TrainBatches)} (at least one) and {TestBatch}";

    public static string TrainBatchName(int batch) => $"data_batch_{batch}.bin";

    public static DatasetPair Load(string directory, string name)
    {
        var nested = Path.Combine(directory, ArchiveSubdirectory);
        if (!HasAnyFile(directory) && HasAnyFile(nested))
        {
            directory = nested;
        }
        var trainFiles = Enumerable.Range(1, TrainBatches)
            .Select(batch => Path.Combine(directory, TrainBatchName(batch)))
            .Where(File.Exists)
            .ToList();
        if (trainFiles.Count == 0)
        {
            throw DatasetFiles.Missing(directory, TrainBatchName(1), Expected, HowToGet);
        }
        var testFile = Path.Combine(directory, TestBatch);
        if (!File.Exists(testFile))
        {
            throw DatasetFiles.Missing(directory, TestBatch, Expected, HowToGet);
        }
        var train = ReadBatches(trainFiles, $"{name}/train");
        var test = ReadBatches([testFile], $"{name}/test");
        return DatasetFiles.Pair(train, trainFiles[0], test, testFile);
    }

    /// <summary>
    /// Writes both splits; the images must be 3×32×32 (one-channel images are copied into R, G and B). The
    /// training set is split into batches of <see cref="RecordsPerBatch"/> records, at most
    /// <see cref="TrainBatches"/>; higher-numbered batch files left from an earlier, larger write are deleted.
    /// </summary>
    public static void Write(DatasetPair pair, string directory)
    {
        var batches = (pair.Train.Count + RecordsPerBatch - 1) / RecordsPerBatch;
        if (batches > TrainBatches)
        {
            throw new DatasetException(
                $"{pair.Train.Name}: {pair.Train.Count} training images do not fit the CIFAR-10 format's " +
                $"{TrainBatches} batches of {RecordsPerBatch}; use at most {TrainBatches * RecordsPerBatch}.");
        }
        for (var batch = 0; batch < batches; batch++)
        {
            var first = batch * RecordsPerBatch;
            var count = Math.Min(RecordsPerBatch, pair.Train.Count - first);
            WriteBatch(pair.Train, first, count, Path.Combine(directory, TrainBatchName(batch + 1)));
        }
        for (var batch = batches + 1; batch <= TrainBatches; batch++)
        {
            File.Delete(Path.Combine(directory, TrainBatchName(batch)));
        }
        WriteBatch(pair.Test, 0, pair.Test.Count, Path.Combine(directory, TestBatch));
    }

    private static bool HasAnyFile(string directory) =>
        File.Exists(Path.Combine(directory, TestBatch))
        || Enumerable.Range(1, TrainBatches).Any(batch => File.Exists(Path.Combine(directory, TrainBatchName(batch))));

    private static Dataset ReadBatches(IReadOnlyList<string> files, string name)
    {
        var regions = files.Select(file => ByteRegion.ReadFile(file)).ToList();
        var total = 0L;
        foreach (var region in regions)
        {
            if (region.Length == 0 || region.Length % RecordSize != 0)
            {
                var complete = region.Length / RecordSize;
                throw new DatasetException(
                    $"{region.Where(complete * RecordSize, $"record {complete}")}: the file has {region.Length} bytes, " +
                    $"expected a whole number (at least 1) of {RecordSize}-byte records (1 label byte + 3072 pixel " +
                    "bytes: the R, G, B planes of a 32x32 image); the file is truncated or not a CIFAR-10 batch.");
            }
            total += region.Length / RecordSize;
        }
        if (total * Shape.Size > Array.MaxLength)
        {
            throw new DatasetException($"{files[0]}: {total} images of {Shape} are too many to hold in memory.");
        }
        var pixels = new byte[total * Shape.Size];
        var labels = new int[total];
        var image = 0;
        foreach (var region in regions)
        {
            var records = region.Length / RecordSize;
            for (var record = 0; record < records; record++, image++)
            {
                var offset = (long)record * RecordSize;
                var label = region.UInt8(offset, $"label of record {record}");
                if (label >= DatasetFiles.Classes)
                {
                    throw new DatasetException(
                        $"{region.Where(offset, $"label of record {record}")}: expected 0-{DatasetFiles.Classes - 1}, " +
                        $"found {label}.");
                }
                labels[image] = label;
                region.Span(offset + 1, Shape.Size, $"pixels of record {record}")
                    .CopyTo(pixels.AsSpan(image * Shape.Size, Shape.Size));
            }
        }
        return DatasetFiles.Build(name, Shape, pixels, labels);
    }

    private static void WriteBatch(Dataset dataset, int first, int count, string path)
    {
        if (dataset.Shape.Height != Side || dataset.Shape.Width != Side || dataset.Shape.Channels is not (1 or 3))
        {
            throw new DatasetException(
                $"{dataset.Name}: images are {dataset.Shape}, but the CIFAR-10 format holds 3x32x32 images " +
                "(or 1x32x32, copied into each colour plane); use ImageSize 32.");
        }
        var plane = Side * Side;
        var bytes = new byte[count * RecordSize];
        for (var n = 0; n < count; n++)
        {
            var image = dataset.Image(first + n);
            var record = bytes.AsSpan(n * RecordSize, RecordSize);
            record[0] = (byte)dataset.Labels[first + n];
            for (var channel = 0; channel < 3; channel++)
            {
                var source = dataset.Shape.Channels == 3 ? channel : 0;
                for (var p = 0; p < plane; p++)
                {
                    record[1 + channel * plane + p] = PixelScale.ToByte(image[source * plane + p]);
                }
            }
        }
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
