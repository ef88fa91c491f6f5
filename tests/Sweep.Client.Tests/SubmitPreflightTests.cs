using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Client.Tests;

/// <summary>Embedded submit checks data and architectures before any trial exists.</summary>
public sealed class SubmitPreflightTests
{
    private static string Grid(string name, string dataset, string architectures, int devSize) => $$"""
        {
          "name": "{{name}}",
          "datasets": [ {{dataset}} ],
          "architectures": [ {{architectures}} ],
          "filters": [2],
          "learningRates": [0.01],
          "seeds": [1, 2],
          "training": { "batchSize": 16, "steps": 20, "evalEvery": 10, "devSize": {{devSize}} }
        }
        """;

    [Fact]
    public async Task CatalogDatasetWithoutFiles_IsOneLineSayingWhereItLookedAndHowToGetThem_AndNoTrialIsStored()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "store");
        var grid = dir.File("mnist.json", Grid("nomnist", "\"mnist\"", "\"dnn\"", 100));

        var run = await CliRun.RunAsync("submit", grid, "--store", store);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(run.ErrorLines);
        Assert.Contains(Path.Combine(store, "data", "mnist"), run.Error);
        Assert.Contains("train-images-idx3-ubyte", run.Error);
        Assert.Null(await new LocalDirectorySweepStore(store).GetSweepAsync("nomnist", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ArchitectureTooDeepForTheFilesImages_IsOneLineNamingBoth_AndNoTrialIsStored()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "store");
        var synth = await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", Path.Combine(dir.Path, "tiny"), "--train", "60", "--test", "20", "--size", "4");
        Assert.True(synth.ExitCode == 0, synth.Error);
        var grid = dir.File("deep.json", Grid("deep", """{ "name": "tiny", "format": "mnist", "path": "tiny" }""",
            """ "dnn", { "name": "deep", "spec": "conv4k3s1p0-pool2-conv4k3s1p0" } """, 10));

        var run = await CliRun.RunAsync("submit", grid, "--store", store);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("'deep'", line);
        Assert.Contains("'tiny' (4x4 images)", line);
        Assert.Null(await new LocalDirectorySweepStore(store).GetSweepAsync("deep", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DevSizeNotSmallerThanTheFilesTrainingSet_IsOneLineGivingTheLimit()
    {
        using var dir = new TempDirectory();
        var synth = await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", Path.Combine(dir.Path, "few"), "--train", "30", "--test", "10", "--size", "8");
        Assert.True(synth.ExitCode == 0, synth.Error);
        var grid = dir.File("dev.json", Grid("dev", """{ "name": "few", "format": "mnist", "path": "few" }""", "\"dnn\"", 30));

        var run = await CliRun.RunAsync("submit", grid, "--store", Path.Combine(dir.Path, "store"));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("devSize 30", line);
        Assert.Contains("smaller than 30", line);
    }

    [Fact]
    public async Task ADirectoryGivenAsTheGrid_IsOneLineSayingSo()
    {
        using var dir = new TempDirectory();

        var run = await CliRun.RunAsync("submit", dir.Path, "--store", Path.Combine(dir.Path, "store"));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"{dir.Path} is a directory", line);
    }

    [Fact]
    public async Task AnEmptyGridFile_IsOneLineSayingItIsEmpty()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("empty.json", "");

        var run = await CliRun.RunAsync("submit", grid, "--store", Path.Combine(dir.Path, "store"));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"{grid} is empty", line);
    }
}
