using System.Text.Json;
using Sweep.Model.Data;

namespace Sweep.Client.Tests;

/// <summary>
/// Real files no one here wrote: the original Fashion-MNIST IDX .gz files as Debian's <c>dataset-fashion-mnist</c>
/// package installs them (<c>apt-get install dataset-fashion-mnist</c>, into /usr/share/datasets/fashion-mnist;
/// <c>SWEEP_FASHION_MNIST</c> points elsewhere). Absent files fail the test with the reason, never skip it.
/// </summary>
public sealed class FashionMnistTests
{
    public const string Variable = "SWEEP_FASHION_MNIST";

    private static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private static string Directory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set ? set : "/usr/share/datasets/fashion-mnist";
            var missing = Files.Where(f => !File.Exists(Path.Combine(directory, f))).ToList();
            if (missing.Count > 0)
            {
                Assert.Fail($"Fashion-MNIST files missing in {directory}: {string.Join(", ", missing)}. Install them with " +
                    $"'apt-get install -y dataset-fashion-mnist' (Debian/Ubuntu), or set {Variable} to a directory holding {string.Join(", ", Files)}.");
            }
            return directory;
        }
    }

    [Fact]
    public void TheMnistLoader_ReadsTheOriginalFashionMnistFiles()
    {
        var data = DatasetLoader.Load(new FileDatasetSource("fashion", DatasetFormat.Mnist, Directory), "/nonexistent");

        Assert.Equal((60_000, 10_000), (data.Train.Count, data.Test.Count));
        Assert.Equal((1, 28, 28), (data.Train.Shape.Channels, data.Train.Shape.Height, data.Train.Shape.Width));
        Assert.Equal(10, data.Train.Classes);
        Assert.Equal(Enumerable.Range(0, 10), data.Train.Labels.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 10), data.Test.Labels.Distinct().Order());
    }

    [Fact]
    public async Task DataInfo_DescribesTheFashionMnistFiles()
    {
        var run = await CliRun.RunAsync("data", "info", Directory, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var info = json.RootElement;
        Assert.Equal("mnist", info.GetProperty("format").GetString());
        Assert.Equal((60_000, 10_000), (info.GetProperty("train").GetInt32(), info.GetProperty("test").GetInt32()));
        Assert.Equal((1, 28, 28), (info.GetProperty("channels").GetInt32(), info.GetProperty("height").GetInt32(), info.GetProperty("width").GetInt32()));
        // Fashion-MNIST is balanced: 6 000 training and 1 000 test images of each of its 10 classes.
        Assert.All(info.GetProperty("trainPerClass").EnumerateArray(), c => Assert.Equal(6_000, c.GetInt32()));
        Assert.All(info.GetProperty("testPerClass").EnumerateArray(), c => Assert.Equal(1_000, c.GetInt32()));
    }
}
