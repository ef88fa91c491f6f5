using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

public sealed class Cifar10FilesTests
{
    private const int RecordSize = 3073;

    private static readonly SyntheticDatasetSource Source = new("toy", "shapes", 30, 12, 32, 9);

    [Fact]
    public void WrittenSyntheticFiles_LoadBackAsQuantisedPixelsAndSameLabels()
    {
        using var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Cifar10, directory.Path);
        var generated = SyntheticDatasets.Generate(Source);

        var loaded = Load(directory);

        Assert.Equal(new ImageShape(3, 32, 32), loaded.Train.Shape);
        DataAssert.SameAfterQuantisation(generated.Train, loaded.Train);
        DataAssert.SameAfterQuantisation(generated.Test, loaded.Test);
    }

    [Fact]
    public void Record_IsLabelThenRedGreenBluePlanesRowMajor()
    {
        using var directory = new TemporaryDirectory();
        var record = new byte[RecordSize];
        record[0] = 7;
        record[1 + 0 * 1024 + 1 * 32 + 2] = 255;
        record[1 + 1 * 1024 + 3 * 32 + 4] = 51;
        record[1 + 2 * 1024 + 31 * 32 + 31] = 102;
        File.WriteAllBytes(directory.File("data_batch_1.bin"), record);
        File.WriteAllBytes(directory.File("test_batch.bin"), record);

        var image = Load(directory).Train;

        Assert.Equal([7], image.Labels);
        Assert.Equal(1f, image.Images[(0 * 32 + 1) * 32 + 2]);
        Assert.Equal(51 / 255f, image.Images[(1 * 32 + 3) * 32 + 4]);
        Assert.Equal(102 / 255f, image.Images[(2 * 32 + 31) * 32 + 31]);
        Assert.Equal(3, image.Images.Count(pixel => pixel != 0));
    }

    [Fact]
    public void TrainBatches_AreWhicheverExistInNumberOrder()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllBytes(directory.File("data_batch_4.bin"), Records(4, 2));
        File.WriteAllBytes(directory.File("data_batch_2.bin"), Records(2, 3));
        File.WriteAllBytes(directory.File("test_batch.bin"), Records(9, 1));

        var pair = Load(directory);

        Assert.Equal([2, 2, 2, 4, 4], pair.Train.Labels);
        Assert.Equal([9], pair.Test.Labels);
    }

    [Fact]
    public void ArchiveSubdirectory_IsFound()
    {
        using var directory = new TemporaryDirectory();
        var nested = Path.Combine(directory.Path, "cifar-10-batches-bin");
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Cifar10, nested);

        Assert.Equal(30, Load(directory).Train.Count);
    }

    [Fact]
    public void LargeTrainingSet_IsSplitIntoBatchesAndStaleBatchesRemoved()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllBytes(directory.File("data_batch_3.bin"), Records(1, 1));
        var pair = SyntheticDatasets.Generate(new SyntheticDatasetSource("g", "gaussian", 10_001, 2, 32, 1));

        Cifar10Files.Write(pair, directory.Path);

        Assert.Equal(10_000L * RecordSize, new FileInfo(directory.File("data_batch_1.bin")).Length);
        Assert.Equal(RecordSize, new FileInfo(directory.File("data_batch_2.bin")).Length);
        Assert.False(File.Exists(directory.File("data_batch_3.bin")));
        Assert.Equal(pair.Train.Labels, Load(directory).Train.Labels);
    }

    [Theory]
    [InlineData(RecordSize - 1, "record 0")]
    [InlineData(2 * RecordSize + 100, "record 2")]
    [InlineData(0, "record 0")]
    public void WrongRecordSize_IsRejectedNamingFileOffsetAndRecordSize(int length, string record)
    {
        using var directory = Written();
        var path = directory.File("test_batch.bin");
        using (var stream = File.Open(path, FileMode.Open))
        {
            stream.SetLength(length);
        }

        DataAssert.Fails(() => Load(directory), "test_batch.bin", record, $"offset {length / RecordSize * RecordSize}", "3073-byte records");
    }

    [Fact]
    public void LabelOutOfRange_IsRejectedNamingRecordAndOffset()
    {
        using var directory = Written();
        var path = directory.File("data_batch_1.bin");
        var bytes = File.ReadAllBytes(path);
        bytes[3 * RecordSize] = 12;
        File.WriteAllBytes(path, bytes);

        DataAssert.Fails(() => Load(directory), "data_batch_1.bin", "label of record 3", $"offset {3 * RecordSize}", "0-9", "found 12");
    }

    [Fact]
    public void MissingFiles_AreRejectedNamingThePathAndHowToGetThem()
    {
        using var directory = Written();
        File.Delete(directory.File("test_batch.bin"));
        DataAssert.Fails(() => Load(directory), directory.File("test_batch.bin"), "does not exist", "cifar-10-binary.tar.gz");

        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Cifar10, directory.Path);
        File.Delete(directory.File("data_batch_1.bin"));
        DataAssert.Fails(() => Load(directory), "data_batch_1.bin", "at least one");
    }

    [Fact]
    public void WritingNon32PixelImages_IsRejectedNamingImageSize()
    {
        using var directory = new TemporaryDirectory();

        DataAssert.Fails(
            () => SyntheticDatasets.WriteFiles(Source with { ImageSize = 16 }, DatasetFormat.Cifar10, directory.Path),
            "ImageSize 16", "32");
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    private static TemporaryDirectory Written()
    {
        var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Cifar10, directory.Path);
        return directory;
    }

    private static DatasetPair Load(TemporaryDirectory directory) =>
        DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Cifar10, directory.Path), "");

    private static byte[] Records(byte label, int count)
    {
        var bytes = new byte[count * RecordSize];
        for (var i = 0; i < count; i++)
        {
            bytes[i * RecordSize] = label;
        }
        return bytes;
    }
}
