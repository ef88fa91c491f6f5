using System.Buffers.Binary;
using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

public sealed class MnistFilesTests
{
    private static readonly SyntheticDatasetSource Source = new("toy", "shapes", 60, 20, 12, 4);

    [Fact]
    public void WrittenSyntheticFiles_LoadBackAsGreyQuantisedPixelsAndSameLabels()
    {
        using var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Mnist, directory.Path);
        var generated = SyntheticDatasets.Generate(Source);

        var loaded = DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Mnist, directory.Path), "unused");

        Assert.Equal(new ImageShape(1, 12, 12), loaded.Train.Shape);
        Assert.Equal(generated.Train.Labels, loaded.Train.Labels);
        Assert.Equal(generated.Test.Labels, loaded.Test.Labels);
        Assert.Equal(DataAssert.QuantisedGrey(generated.Train), loaded.Train.Images);
        Assert.Equal(DataAssert.QuantisedGrey(generated.Test), loaded.Test.Images);
        Assert.Equal("toy/train", loaded.Train.Name);
        Assert.Equal(10, loaded.Train.Classes);
    }

    [Fact]
    public void GzipFiles_LoadLikeRawOnes()
    {
        using var raw = new TemporaryDirectory();
        using var gzip = new TemporaryDirectory();
        var pair = SyntheticDatasets.Generate(Source);
        MnistFiles.Write(pair, raw.Path);
        MnistFiles.Write(pair, gzip.Path, gzip: true);

        var fromRaw = DatasetLoader.Load(new FileDatasetSource("a", DatasetFormat.Mnist, raw.Path), "");
        var fromGzip = DatasetLoader.Load(new FileDatasetSource("b", DatasetFormat.Mnist, gzip.Path), "");

        Assert.True(File.Exists(gzip.File(MnistFiles.TrainImages + ".gz")));
        Assert.False(File.Exists(gzip.File(MnistFiles.TrainImages)));
        Assert.Equal(fromRaw.Train.Images, fromGzip.Train.Images);
        Assert.Equal(fromRaw.Test.Labels, fromGzip.Test.Labels);
    }

    [Fact]
    public void EightByEightIdxFile_LoadsWithItsOwnSize()
    {
        using var directory = new TemporaryDirectory();
        var pixels = Enumerable.Range(0, 3 * 64).Select(i => (byte)(i * 7 % 256)).ToArray();
        File.WriteAllBytes(directory.File(MnistFiles.TrainImages), Idx(0x803, [3, 8, 8], pixels));
        File.WriteAllBytes(directory.File(MnistFiles.TrainLabels), Idx(0x801, [3], [4, 0, 9]));
        File.WriteAllBytes(directory.File(MnistFiles.TestImages), Idx(0x803, [1, 8, 8], pixels[..64]));
        File.WriteAllBytes(directory.File(MnistFiles.TestLabels), Idx(0x801, [1], [2]));

        var pair = DatasetLoader.Load(new FileDatasetSource("tiny", DatasetFormat.Mnist, directory.Path), "");

        Assert.Equal(new ImageShape(1, 8, 8), pair.Train.Shape);
        Assert.Equal([4, 0, 9], pair.Train.Labels);
        Assert.Equal(pixels.Select(p => p / 255f).ToArray(), pair.Train.Images);
        Assert.Equal([2], pair.Test.Labels);
    }

    [Theory]
    [InlineData(0, "magic number")]
    [InlineData(3, "magic number")]
    [InlineData(6, "image count")]
    [InlineData(10, "row count")]
    [InlineData(14, "column count")]
    [InlineData(16, "pixels of 60 images")]
    [InlineData(1000, "pixels of 60 images")]
    public void TruncatedImageFile_IsRejectedNamingFileAndField(int length, string field)
    {
        using var directory = WrittenDirectory();
        Truncate(directory.File(MnistFiles.TrainImages), length);

        DataAssert.Fails(() => Load(directory), MnistFiles.TrainImages, field, "truncated");
    }

    [Theory]
    [InlineData(5, "label count")]
    [InlineData(30, "60 labels")]
    public void TruncatedLabelFile_IsRejectedNamingFileAndField(int length, string field)
    {
        using var directory = WrittenDirectory();
        Truncate(directory.File(MnistFiles.TrainLabels), length);

        DataAssert.Fails(() => Load(directory), MnistFiles.TrainLabels, field);
    }

    [Fact]
    public void TruncatedGzipFile_IsRejectedNamingFile()
    {
        using var directory = new TemporaryDirectory();
        MnistFiles.Write(SyntheticDatasets.Generate(Source), directory.Path, gzip: true);
        var path = directory.File(MnistFiles.TestImages + ".gz");
        Truncate(path, (int)new FileInfo(path).Length / 2);

        DataAssert.Fails(() => Load(directory), MnistFiles.TestImages + ".gz");
    }

    [Fact]
    public void WrongMagic_IsRejectedWithExpectedValue()
    {
        using var directory = WrittenDirectory();
        // A label file where the image file should be.
        File.Copy(directory.File(MnistFiles.TrainLabels), directory.File(MnistFiles.TrainImages), overwrite: true);

        DataAssert.Fails(() => Load(directory), MnistFiles.TrainImages, "magic number", "offset 0", "0x00000803", "0x00000801");
    }

    [Fact]
    public void ImageAndLabelCountMismatch_IsRejectedNamingBothFiles()
    {
        using var directory = WrittenDirectory();
        File.WriteAllBytes(directory.File(MnistFiles.TestLabels), Idx(0x801, [19], new byte[19]));

        DataAssert.Fails(() => Load(directory), MnistFiles.TestImages, MnistFiles.TestLabels, "20 images", "19 labels");
    }

    [Fact]
    public void LabelOutOfRange_IsRejectedNamingOffsetAndValue()
    {
        using var directory = WrittenDirectory();
        var labels = new byte[20];
        labels[5] = 10;
        File.WriteAllBytes(directory.File(MnistFiles.TestLabels), Idx(0x801, [20], labels));

        DataAssert.Fails(() => Load(directory), MnistFiles.TestLabels, "label of image 5", "offset 13", "0-9", "found 10");
    }

    [Theory]
    [InlineData(0, 8, "image count", "at least 1")]
    [InlineData(2, 0, "row count", "1-4096")]
    [InlineData(2, -3, "row count", "found -3")]
    public void BadDimensions_AreRejected(int count, int rows, string field, string expected)
    {
        using var directory = WrittenDirectory();
        File.WriteAllBytes(directory.File(MnistFiles.TrainImages), Idx(0x803, [count, rows, 8], new byte[64]));

        DataAssert.Fails(() => Load(directory), MnistFiles.TrainImages, field, expected);
    }

    [Fact]
    public void TrailingBytes_AreRejectedRatherThanIgnored()
    {
        using var directory = WrittenDirectory();
        using (var stream = File.Open(directory.File(MnistFiles.TrainLabels), FileMode.Append))
        {
            stream.Write(new byte[3]);
        }

        DataAssert.Fails(() => Load(directory), MnistFiles.TrainLabels, "3 more bytes");
    }

    [Fact]
    public void SplitsWithDifferentImageSizes_AreRejected()
    {
        using var directory = WrittenDirectory();
        File.WriteAllBytes(directory.File(MnistFiles.TestImages), Idx(0x803, [20, 8, 8], new byte[20 * 64]));

        DataAssert.Fails(() => Load(directory), MnistFiles.TestImages, "1x8x8", "1x12x12");
    }

    [Fact]
    public void MissingFile_IsRejectedNamingPathAndHowToGetIt()
    {
        using var directory = WrittenDirectory();
        File.Delete(directory.File(MnistFiles.TestLabels));

        DataAssert.Fails(() => Load(directory), directory.File(MnistFiles.TestLabels), "does not exist", "Download");
    }

    private static TemporaryDirectory WrittenDirectory()
    {
        var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Mnist, directory.Path);
        return directory;
    }

    private static DatasetPair Load(TemporaryDirectory directory) =>
        DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Mnist, directory.Path), "");

    private static void Truncate(string path, int length)
    {
        using var stream = File.Open(path, FileMode.Open);
        stream.SetLength(length);
    }

    private static byte[] Idx(uint magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }
}
