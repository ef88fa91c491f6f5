using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

public sealed class DatasetLoaderTests
{
    [Theory]
    [InlineData("mnist", DatasetFormat.Mnist)]
    [InlineData("cifar10", DatasetFormat.Cifar10)]
    [InlineData("svhn", DatasetFormat.Svhn)]
    public void CatalogName_LoadsItsFormatFromItsSubdirectory(string name, DatasetFormat format)
    {
        using var root = new TemporaryDirectory();
        var source = new SyntheticDatasetSource("toy", "gaussian", 20, 10, 32, 3);
        SyntheticDatasets.WriteFiles(source, format, Path.Combine(root.Path, name));

        var pair = DatasetLoader.Load(new CatalogDatasetSource(name), root.Path);

        Assert.Equal(SyntheticDatasets.Generate(source).Train.Labels, pair.Train.Labels);
        Assert.Equal(format == DatasetFormat.Mnist ? 1 : 3, pair.Train.Shape.Channels);
        Assert.Equal($"{name}/test", pair.Test.Name);
    }

    [Fact]
    public void UnknownCatalogName_ListsTheValidOnes()
    {
        using var root = new TemporaryDirectory();

        DataAssert.Fails(
            () => DatasetLoader.Load(new CatalogDatasetSource("imagenet"), root.Path),
            "'imagenet'", "mnist, cifar10, svhn");
    }

    [Theory]
    [InlineData("mnist", "train-images-idx3-ubyte")]
    [InlineData("cifar10", "cifar-10-binary.tar.gz")]
    [InlineData("svhn", "train_32x32.mat")]
    public void MissingCatalogDirectory_NamesThePathAndHowToGetTheFiles(string name, string hint)
    {
        using var root = new TemporaryDirectory();

        DataAssert.Fails(
            () => DatasetLoader.Load(new CatalogDatasetSource(name), root.Path),
            Path.Combine(root.Path, name), "does not exist", hint);
    }

    [Fact]
    public void MissingFilesDirectory_NamesThePath()
    {
        using var root = new TemporaryDirectory();
        var path = root.File("nowhere");

        DataAssert.Fails(
            () => DatasetLoader.Load(new FileDatasetSource("mine", DatasetFormat.Svhn, path), root.Path),
            "'mine'", path, "does not exist");
    }

    [Fact]
    public void SyntheticSource_IsGenerated()
    {
        var source = new SyntheticDatasetSource("toy", "gaussian", 30, 10, 4, 8);

        var pair = DatasetLoader.Load(source, "unused");

        Assert.Equal(SyntheticDatasets.Generate(source).Train.Images, pair.Train.Images);
    }

    [Fact]
    public void WriteFiles_LeavesNoTemporaryFilesBehind()
    {
        using var root = new TemporaryDirectory();
        var source = new SyntheticDatasetSource("toy", "gaussian", 30, 10, 32, 8);

        foreach (var format in Enum.GetValues<DatasetFormat>())
        {
            SyntheticDatasets.WriteFiles(source, format, root.File(format.ToString()));
        }

        var files = Directory.GetFiles(root.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order();
        Assert.Equal(
            [
                "data_batch_1.bin", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "test_32x32.mat",
                "test_batch.bin", "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "train_32x32.mat",
            ],
            files);
    }

    [Fact]
    public void DatasetInfo_SummarisesCountsShapeAndClassHistogram()
    {
        var pair = SyntheticDatasets.Generate(new SyntheticDatasetSource("toy", "shapes", 25, 10, 8, 2));

        var info = DatasetInfo.Describe(pair);

        Assert.Equal(25, info.Train.Count);
        Assert.Equal(new ImageShape(3, 8, 8), info.Train.Shape);
        Assert.Equal(pair.Train.Labels.Count(label => label == 4), info.Train.ClassCounts[4]);
        Assert.Equal(25, info.Train.ClassCounts.Sum());
        Assert.Equal(pair.Test.Images.Average(pixel => (double)pixel), info.Test.PixelMean, 1e-9);
        Assert.InRange(info.Train.PixelStandardDeviation, 0.01, 0.5);
        Assert.Contains("toy/train: 25 images of 3x8x8, 10 classes", info.ToString());
        Assert.Contains("toy/test: 10 images", info.ToString());
    }
}
