using System.Text.Json;

namespace Sweep.Client.Tests;

public sealed class QuickstartProcessTests
{
    private static readonly string[] RowFields =
    [
        "trialId", "sweepId", "dataset", "architecture", "filters", "learningRate", "seed", "status", "steps",
        "trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds",
    ];

    [Fact]
    public async Task SubmitThenLeaderboardJson_AsTheReadmeShows_RunsEveryTrialAndPrintsContractRows()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("tiny.json", TinyGrids.Valid);
        var timeout = TimeSpan.FromMinutes(2);

        var submit = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid);
        var board = await SweepProcess.RunAsync(dir.Path, timeout, "leaderboard", "--format", "json");
        var status = await SweepProcess.RunAsync(dir.Path, timeout, "status", "tiny", "--format", "json");
        var trials = await SweepProcess.RunAsync(dir.Path, timeout, "trials", "tiny", "--format", "json");

        Assert.True(submit.ExitCode == 0, $"submit exit {submit.ExitCode}: {submit.Error}");
        Assert.Contains("sweep tiny: 4 trials", submit.Out);
        Assert.Contains("finished: 4 completed", submit.Out);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, ".sweep")), "the default store is ./.sweep");
        Assert.True(board.ExitCode == 0, $"leaderboard exit {board.ExitCode}: {board.Error}");
        Assert.Equal("", board.Error);
        using var json = JsonDocument.Parse(board.Out);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows)
        {
            Assert.All(RowFields, f => Assert.True(row.TryGetProperty(f, out _), $"row lacks '{f}': {row}"));
            Assert.Equal("tiny", row.GetProperty("sweepId").GetString());
            Assert.Equal("completed", row.GetProperty("status").GetString());
            Assert.Equal(40, row.GetProperty("steps").GetInt32());
            Assert.InRange(row.GetProperty("testAccuracy").GetDouble(), 0, 1);
        }
        using var statusJson = JsonDocument.Parse(status.Out);
        Assert.Equal("finished", statusJson.RootElement.GetProperty("state").GetString());
        Assert.Equal(4, statusJson.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(4, statusJson.RootElement.GetProperty("completed").GetInt32());
        using var trialsJson = JsonDocument.Parse(trials.Out);
        Assert.Equal(
            rows.Select(r => r.GetProperty("trialId").GetString()).Order(),
            trialsJson.RootElement.EnumerateArray().Select(r => r.GetProperty("trialId").GetString()).Order());
        Assert.All(trialsJson.RootElement.EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("testAccuracy").ValueKind));
        var accuracies = rows.Select(r => r.GetProperty("testAccuracy").GetDouble()).ToList();
        Assert.Equal(accuracies.OrderDescending(), accuracies);
        Assert.Equal(["cnn", "dnn"], rows.Select(r => r.GetProperty("architecture").GetString()).Distinct().Order());
    }

    [Fact]
    public async Task ResubmittingAFinishedSweep_SaysNothingIsLeft_ShowsTheSummary_AndRerunsNothing()
    {
        using var dir = new TempDirectory();
        var grid = dir.File("tiny.json", TinyGrids.Valid);
        var timeout = TimeSpan.FromMinutes(2);
        var first = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid);
        var before = await SweepProcess.RunAsync(dir.Path, timeout, "leaderboard", "--format", "json");

        var again = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid);
        var after = await SweepProcess.RunAsync(dir.Path, timeout, "leaderboard", "--format", "json");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already submitted, 4 of 4 trials finished: nothing left to run", again.Out);
        Assert.Contains("sweep tiny finished: 4 completed", again.Out);
        Assert.DoesNotContain("[1/4]", again.Out);
        Assert.Equal(before.Out, after.Out);
    }
}
