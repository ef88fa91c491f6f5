using Sweep.Model.Data;
using static Sweep.Model.Tests.Data.HandBuiltMatFile;

namespace Sweep.Model.Tests.Data;

public sealed class SvhnFilesTests
{
    private const int Height = 2;
    private const int Width = 3;
    private const int Channels = 3;
    private const int Count = 2;

    private static readonly SyntheticDatasetSource Source = new("toy", "shapes", 40, 10, 16, 21);

    /// <summary>Column-major X: element i holds (7·i) mod 256, so every pixel is distinguishable.</summary>
    private static byte[] XValues() =>
        Enumerable.Range(0, Height * Width * Channels * Count).Select(i => (byte)(7 * i % 256)).ToArray();

    private static int[] XDimensions => [Height, Width, Channels, Count];

    private static HandBuiltMatFile Standard(bool bigEndian = false, bool compressed = false)
    {
        var file = new HandBuiltMatFile(bigEndian);
        var x = file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues());
        var y = file.Matrix("y", MxDouble, [Count, 1], MiDouble, file.Doubles(10, 3));
        return compressed ? file.AddCompressed(x).AddCompressed(y) : file.Add(x).Add(y);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void HandBuiltFile_IsReadColumnMajorIntoChannelMajorWithLabelTenAsZero(bool bigEndian, bool compressed)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        File.WriteAllBytes(path, Standard(bigEndian, compressed).ToArray());

        var dataset = SvhnFiles.Read(path, "svhn/train");

        Assert.Equal(new ImageShape(Channels, Height, Width), dataset.Shape);
        Assert.Equal([0, 3], dataset.Labels);
        var x = XValues();
        for (var n = 0; n < Count; n++)
        {
            for (var k = 0; k < Channels; k++)
            {
                for (var r = 0; r < Height; r++)
                {
                    for (var c = 0; c < Width; c++)
                    {
                        var expected = x[r + Height * (c + Width * (k + Channels * n))] / 255f;
                        Assert.Equal(expected, dataset.Image(n)[(k * Height + r) * Width + c]);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(MxUInt8, MiUInt8)]
    [InlineData(MxDouble, MiUInt8)]
    [InlineData(MxInt16, MiInt16)]
    public void LabelClassAndStorageType_AreReadFromTheFile(int arrayClass, int dataType)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        byte[] labels = dataType == MiInt16 ? file.Int16s(10, 3) : [10, 3];
        file.AddCompressed(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()))
            .AddCompressed(file.Matrix("y", arrayClass, [Count, 1], dataType, labels));
        File.WriteAllBytes(path, file.ToArray());

        Assert.Equal([0, 3], SvhnFiles.Read(path, "t").Labels);
    }

    [Fact]
    public void ImagesStoredAsDouble_AreReadAsWholeNumberPixels()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile(bigEndian: true);
        var pixels = XValues().Select(value => (double)value).ToArray();
        file.Add(file.Matrix("X", MxDouble, XDimensions, MiDouble, file.Doubles(pixels)))
            .Add(file.Matrix("y", MxDouble, [Count, 1], MiDouble, file.Doubles(5, 6)));
        File.WriteAllBytes(path, file.ToArray());

        var dataset = SvhnFiles.Read(path, "t");

        Assert.Equal(XValues()[1] / 255f, dataset.Image(0)[Width]);
        Assert.Equal([5, 6], dataset.Labels);
    }

    [Fact]
    public void FractionalPixel_IsRejectedNamingTheElement()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        var pixels = new double[Height * Width * Channels * Count];
        pixels[7] = 12.5;
        file.Add(file.Matrix("X", MxDouble, XDimensions, MiDouble, file.Doubles(pixels)))
            .Add(file.Matrix("y", MxDouble, [Count, 1], MiDouble, file.Doubles(5, 6)));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "X[7]", "0-255", "found 12.5");
    }

    [Fact]
    public void AbsurdDimensions_AreRejectedWithoutOverflow()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, [65536, 65536, 65536, 65536, 65536], MiUInt8, []));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "real part of X", "found 0 bytes");
    }

    [Fact]
    public void OtherVariables_AreSkippedWhateverTheirKind()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("description", MxChar, [1, 2], MiUInt8, [65, 66]))
            .Add(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()))
            .Add(file.Matrix("weights", MxDouble, [1, 1], MiDouble, file.Doubles(0.5)))
            .Add(file.Matrix("y", MxDouble, [1, Count], MiDouble, file.Doubles(1, 2)));
        File.WriteAllBytes(path, file.ToArray());

        var mat = MatFile.Read(path);

        Assert.Equal(["description", "X", "weights", "y"], mat.Variables.Keys);
        Assert.False(mat.Variables["description"].HasData);
        Assert.Equal(0.5, mat.Variables["weights"].Value(0));
        Assert.Equal([1, 2], SvhnFiles.Read(path, "t").Labels);
    }

    [Fact]
    public void SingleImageWithDroppedTrailingDimension_IsOneImage()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, [Height, Width, Channels], MiUInt8, XValues()[..(Height * Width * Channels)]))
            .Add(file.Matrix("y", MxDouble, [1, 1], MiDouble, file.Doubles(4)));
        File.WriteAllBytes(path, file.ToArray());

        var dataset = SvhnFiles.Read(path, "t");

        Assert.Equal(1, dataset.Count);
        Assert.Equal([4], dataset.Labels);
    }

    [Fact]
    public void ExtraTrailingSingletonDimensions_AreAccepted()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, [Height, Width, Channels, Count, 1], MiUInt8, XValues()))
            .Add(file.Matrix("y", MxDouble, [Count, 1, 1], MiDouble, file.Doubles(1, 2)));
        File.WriteAllBytes(path, file.ToArray());

        Assert.Equal(Count, SvhnFiles.Read(path, "t").Count);
    }

    [Fact]
    public void WrittenSyntheticFiles_LoadBackAsQuantisedPixelsAndSameLabels()
    {
        using var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Svhn, directory.Path);
        var generated = SyntheticDatasets.Generate(Source);

        var loaded = DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Svhn, directory.Path), "");

        DataAssert.SameAfterQuantisation(generated.Train, loaded.Train);
        DataAssert.SameAfterQuantisation(generated.Test, loaded.Test);
        var y = MatFile.Read(directory.File(SvhnFiles.TrainFile)).Variables["y"];
        Assert.Equal(("Double", 10.0), (y.Class.ToString(), Enumerable.Range(0, 40).Max(i => y.Value(i))));
        Assert.DoesNotContain(0.0, Enumerable.Range(0, 40).Select(i => y.Value(i)));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void WriterVariants_UInt8LabelsAndUncompressed_LoadBack(bool labelsAsDouble, bool compress)
    {
        using var directory = new TemporaryDirectory();
        var generated = SyntheticDatasets.Generate(Source);
        SvhnFiles.Write(generated, directory.Path, labelsAsDouble, compress);

        var loaded = DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Svhn, directory.Path), "");

        DataAssert.SameAfterQuantisation(generated.Train, loaded.Train);
        var y = MatFile.Read(directory.File(SvhnFiles.TestFile)).Variables["y"];
        Assert.Equal(labelsAsDouble ? "Double" : "UInt8", y.Class.ToString());
    }

    [Fact]
    public void TruncatedAtManyOffsets_IsAlwaysADatasetErrorNamingTheFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        foreach (var compressed in new[] { false, true })
        {
            var bytes = Standard(compressed: compressed).ToArray();
            for (var length = 0; length < bytes.Length; length += length < 200 ? 1 : 7)
            {
                File.WriteAllBytes(path, bytes[..length]);
                var error = Assert.Throws<DatasetException>(() => SvhnFiles.Read(path, "t"));
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(60, "header")]
    [InlineData(131, "data element (tag)")]
    [InlineData(140, "data element contents")]
    public void TruncatedFile_NamesTheFieldAndOffset(int length, string field)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        File.WriteAllBytes(path, Standard().ToArray()[..length]);

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, field, "offset", "truncated");
    }

    [Fact]
    public void CorruptCompressedStream_IsRejectedNamingTheOffset()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        var bytes = Standard(compressed: true).ToArray();
        // Keep the zlib header, scramble the deflate data.
        for (var i = 128 + 8 + 2; i < 128 + 8 + 20; i++)
        {
            bytes[i] ^= 0xA5;
        }
        File.WriteAllBytes(path, bytes);

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "offset 136");
    }

    [Fact]
    public void WrongEndianIndicator_IsRejected()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        var bytes = Standard().ToArray();
        bytes[126] = (byte)'X';
        File.WriteAllBytes(path, bytes);

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "endian indicator", "offset 126", "'IM' or 'MI'");
    }

    [Fact]
    public void Hdf5MatFile_IsRefusedWithAClearMessage()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        var bytes = new byte[600];
        new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 512);
        File.WriteAllBytes(path, bytes);

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "MAT 7.3", "-v7");
    }

    [Fact]
    public void ImageAndLabelCountMismatch_IsRejected()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()))
            .Add(file.Matrix("y", MxDouble, [3, 1], MiDouble, file.Doubles(1, 2, 3)));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "X holds 2 images", "y has dimensions 3x1");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(11.0)]
    [InlineData(2.5)]
    public void LabelOutsideOneToTen_IsRejectedNamingIndexAndOffset(double label)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()))
            .AddCompressed(file.Matrix("y", MxDouble, [Count, 1], MiDouble, file.Doubles(1, label)));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "y[1]", "offset 64 of the compressed element", "1-10", $"found {label}");
    }

    [Fact]
    public void RealPartThatDoesNotMatchDimensions_IsRejected()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()[..30]));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "real part of X", "need 36 values", "found 30 bytes");
    }

    [Theory]
    [InlineData(new[] { 2, 3, 2, 2 }, "1 or 3 channels")]
    [InlineData(new[] { 2, 3, 3, 1, 2 }, "height x width x channels x count")]
    public void BadImageDimensions_AreRejected(int[] dimensions, string expected)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        var values = new byte[dimensions.Aggregate(1, (a, b) => a * b)];
        file.Add(file.Matrix("X", MxUInt8, dimensions, MiUInt8, values))
            .Add(file.Matrix("y", MxDouble, [2, 1], MiDouble, file.Doubles(1, 2)));
        File.WriteAllBytes(path, file.ToArray());

        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "X has dimensions", expected);
    }

    [Fact]
    public void MissingOrComplexVariable_IsRejectedListingWhatWasFound()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_32x32.mat");
        var file = new HandBuiltMatFile();
        file.Add(file.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues()))
            .Add(file.Matrix("labels", MxDouble, [2, 1], MiDouble, file.Doubles(1, 2)));
        File.WriteAllBytes(path, file.ToArray());
        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "variable 'y'", "X, labels");

        var complex = new HandBuiltMatFile();
        complex.Add(complex.Matrix("X", MxUInt8, XDimensions, MiUInt8, XValues(), extraFlags: 0x0800))
            .Add(complex.Matrix("y", MxDouble, [2, 1], MiDouble, complex.Doubles(1, 2)));
        File.WriteAllBytes(path, complex.ToArray());
        DataAssert.Fails(() => SvhnFiles.Read(path, "t"), path, "'X' is complex");
    }

    [Fact]
    public void MissingFile_IsRejectedNamingPathAndHowToGetIt()
    {
        using var directory = new TemporaryDirectory();
        SyntheticDatasets.WriteFiles(Source, DatasetFormat.Svhn, directory.Path);
        File.Delete(directory.File(SvhnFiles.TestFile));

        DataAssert.Fails(
            () => DatasetLoader.Load(new FileDatasetSource("toy", DatasetFormat.Svhn, directory.Path), ""),
            directory.File(SvhnFiles.TestFile), "does not exist", "housenumbers");
    }
}
