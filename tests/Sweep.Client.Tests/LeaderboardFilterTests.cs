using Sweep.Grains.Grid;
using Sweep.Grains.Storage.LocalDirectory;
namespace Sweep.Client.Tests;

public sealed class LeaderboardFilterTests
{
    [Fact]
    public async Task AnUnknownSweepFilter_IsAnErrorListingTheKnownSweeps_NotAnEmptyBoard()
    {
        using var dir = new TempDirectory();
        await StoreTinyAsync(dir);

        var run = await CliRun.RunAsync("leaderboard", "--sweep", "tiyn", "--format", "json", "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("'tiyn'", line);
        Assert.Contains("known sweeps: tiny", line);
    }

    [Theory]
    [InlineData("--dataset", "GAUSS", "known datasets: gauss")]
    [InlineData("--architecture", "CNN", "known architectures: cnn, dnn")]
    public async Task AFilterNamingNothingInTheStore_IsAnErrorListingWhatExists(string option, string value, string known)
    {
        using var dir = new TempDirectory();
        await StoreTinyAsync(dir);

        var run = await CliRun.RunAsync("leaderboard", option, value, "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"'{value}'", line);
        Assert.Contains(known, line);
    }

    [Fact]
    public async Task AValidFilterWithNothingFinished_IsAnEmptyBoardWithAHintOnStderr()
    {
        using var dir = new TempDirectory();
        await StoreTinyAsync(dir);

        var table = await CliRun.RunAsync("leaderboard", "--dataset", "gauss", "--store", dir.Path);
        var json = await CliRun.RunAsync("leaderboard", "--dataset", "gauss", "--format", "json", "--store", dir.Path);

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("no finished trials yet", table.Error);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("[]", json.Out.Trim());
        Assert.Equal("", json.Error);
    }

    [Fact]
    public async Task StatusOfAnEmptyStore_SaysHowToStartASweep()
    {
        using var dir = new TempDirectory();

        var table = await CliRun.RunAsync("status", "--store", dir.Path);
        var json = await CliRun.RunAsync("status", "--format", "json", "--store", dir.Path);

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("sweep submit", table.Error);
        Assert.Equal("[]", json.Out.Trim());
        Assert.Equal("", json.Error);
    }

    private static async Task StoreTinyAsync(TempDirectory dir)
    {
        var grid = dir.File("tiny.json", TinyGrids.Valid);
        await new LocalDirectorySweepStore(dir.Path).CreateSweepAsync(GridCompiler.Compile(TinyGrids.Valid, grid), TestContext.Current.CancellationToken);
    }
}
