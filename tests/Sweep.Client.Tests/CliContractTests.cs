using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Client.Tests;

public sealed class CliContractTests
{
    [Theory]
    [InlineData("submit")]
    [InlineData("status")]
    [InlineData("trials")]
    [InlineData("leaderboard")]
    [InlineData("study")]
    [InlineData("predictions")]
    [InlineData("cancel")]
    [InlineData("data", "synth")]
    [InlineData("data", "info")]
    [InlineData("db", "migrate")]
    [InlineData("silo")]
    public async Task EveryCommand_HasHelp(params string[] command)
    {
        var run = await CliRun.RunAsync([.. command, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains(string.Join(' ', command), run.Out);
        Assert.Equal("", run.Error);
    }

    [Theory]
    [InlineData("leaderboard", "--top <n>")]
    [InlineData("leaderboard", "--store <dir>")]
    [InlineData("submit", "--slots <n>")]
    [InlineData("silo", "--postgres <connection-string>")]
    [InlineData("study", "--out <dir>")]
    public async Task Help_NamesWhatAnOptionTakes_NotTheOptionAgain(string command, string usage)
    {
        var run = await CliRun.RunAsync(command, "--help");

        Assert.Contains(usage, run.Out);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command or argument 'frobnicate'")]
    [InlineData(new[] { "data", "synt" }, "unknown command or argument 'synt'")]
    [InlineData(new[] { "leaderboard", "--stroe", "x" }, "unknown command or argument '--stroe'")]
    [InlineData(new string[0], "'sweep' needs a command: submit, status")]
    [InlineData(new[] { "data" }, "'data' needs a command: synth, info")]
    public async Task AMistypedOrMissingCommand_IsNamed_NotReportedAsAMissingCommand(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task UsageError_ExitsTwoWithOneLineOnStderr()
    {
        var run = await CliRun.RunAsync("leaderboard", "--format", "xml");

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("xml", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task MissingGridFile_ExitsOneWithOneLineNamingTheFile()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "nope.json");

        var run = await CliRun.RunAsync("submit", missing, "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains(missing, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task GridErrors_AreAllListedEachOnItsOwnLine()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("broken.json", TinyGrids.ThreeErrors);

        var run = await CliRun.RunAsync("submit", grid, "--store", Path.Combine(dir.Path, "store"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("broken.json", run.ErrorLines[0]);
        Assert.Contains(run.ErrorLines, l => l.Contains("$.trainning"));
        Assert.Contains(run.ErrorLines, l => l.Contains("$.training.steps"));
        Assert.Contains(run.ErrorLines, l => l.Contains("$.seeds"));
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task ReadingAStoreThatDoesNotExist_IsOneClearLine()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "absent");

        var run = await CliRun.RunAsync("leaderboard", "--format", "json", "--store", store);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(run.ErrorLines);
        Assert.Contains(store, run.Error);
    }

    [Fact]
    public async Task LeaderboardJson_OnAnEmptyStore_IsAnEmptyArrayAndNothingElse()
    {
        using var dir = new TempDirectory();

        var run = await CliRun.RunAsync("leaderboard", "--format", "json", "--store", dir.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[]", run.Out.Trim());
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task StatusOfAnUnknownSweep_NamesItAndTheWayToList()
    {
        using var dir = new TempDirectory();

        var run = await CliRun.RunAsync("status", "ghost", "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("'ghost'", run.Error);
        Assert.Contains("sweep status", run.Error);
    }

    [Fact]
    public async Task DbMigrate_WithoutADatabase_SaysHowToGiveOne()
    {
        Environment.SetEnvironmentVariable("SWEEP_POSTGRES", null);

        var run = await CliRun.RunAsync("db", "migrate");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("--postgres", run.Error);
    }

    [Fact]
    public async Task TrialsJson_OfASubmittedButUnrunSweep_HasNullMetricsAndPendingStatus()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("tiny.json", TinyGrids.Valid);
        var store = new Sweep.Grains.Storage.LocalDirectory.LocalDirectorySweepStore(dir.Path);
        await store.CreateSweepAsync(Sweep.Grains.Grid.GridCompiler.Compile(TinyGrids.Valid, grid), TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("trials", "tiny", "--format", "json", "--store", dir.Path);

        Assert.Equal(0, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("pending", r.GetProperty("status").GetString()));
        Assert.All(rows, r => Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("testAccuracy").ValueKind));
    }

    [Fact]
    public async Task CancelEmbedded_MarksEveryUnfinishedTrialCancelled()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("tiny.json", TinyGrids.Valid);
        var store = new Sweep.Grains.Storage.LocalDirectory.LocalDirectorySweepStore(dir.Path);
        await store.CreateSweepAsync(Sweep.Grains.Grid.GridCompiler.Compile(TinyGrids.Valid, grid), TestContext.Current.CancellationToken);

        var cancel = await CliRun.RunAsync("cancel", "tiny", "--store", dir.Path);
        var status = await CliRun.RunAsync("status", "tiny", "--format", "json", "--store", dir.Path);

        Assert.Equal(0, cancel.ExitCode);
        Assert.Contains("4 unfinished trial(s) cancelled", cancel.Out);
        using var json = System.Text.Json.JsonDocument.Parse(status.Out);
        Assert.Equal(4, json.RootElement.GetProperty("cancelled").GetInt32());
        Assert.Equal("finished", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task AMalformedConnectionString_IsOneLineShowingTheExpectedForm()
    {
        var run = await CliRun.RunAsync("status", "--cluster", "not a connection string");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("Host=", run.Error);
    }
}
