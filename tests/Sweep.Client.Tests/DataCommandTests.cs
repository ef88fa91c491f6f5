using System.Text.Json;

namespace Sweep.Client.Tests;

public sealed class DataCommandTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    public async Task SynthWithANonPositiveSize_IsAnError_NotTheDefaultSize(string size)
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "out");

        var run = await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", outDir, "--size", size);

        // A value the option does not take is a usage error (exit 2), caught by the option's parser.
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"--size: {size} is too small; expected a whole number of at least 1", line);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task SynthIntoAnUnwritablePlace_NamesTheDirectory()
    {
        using var dir = new TempDirectory();
        var blocker = dir.File("a-file", "not a directory");
        var outDir = Path.Combine(blocker, "out");

        var run = await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", outDir, "--size", "8", "--train", "10", "--test", "5");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"cannot write the dataset files into {outDir}", line);
    }

    [Fact]
    public async Task InfoOnSynthFiles_ReportsTheCountsAndShapeThatWereWritten()
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "blobs");
        var synth = await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", outDir, "--size", "8", "--train", "40", "--test", "20");

        var info = await CliRun.RunAsync("data", "info", outDir, "--format", "json");

        Assert.True(synth.ExitCode == 0, synth.Error);
        Assert.Equal(0, info.ExitCode);
        using var json = JsonDocument.Parse(info.Out);
        Assert.Equal(40, json.RootElement.GetProperty("train").GetInt32());
        Assert.Equal(20, json.RootElement.GetProperty("test").GetInt32());
        Assert.Equal(8, json.RootElement.GetProperty("height").GetInt32());
        Assert.Equal(40, json.RootElement.GetProperty("trainPerClass").EnumerateArray().Sum(c => c.GetInt32()));
    }

    [Fact]
    public async Task InfoOnATruncatedFile_IsOneLineNamingTheFile()
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "blobs");
        await CliRun.RunAsync("data", "synth", "gaussian", "--format", "mnist", "--out", outDir, "--size", "8", "--train", "40", "--test", "20");
        var images = Directory.GetFiles(outDir, "train-images*").Single();
        var bytes = await File.ReadAllBytesAsync(images, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(images, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);

        var info = await CliRun.RunAsync("data", "info", outDir, "--format", "json");

        Assert.Equal(1, info.ExitCode);
        Assert.Equal("", info.Out);
        var line = Assert.Single(info.ErrorLines);
        Assert.Contains(images, line);
        Assert.Contains("truncated", line);
    }
}
