using System.Text.Json;

namespace Sweep.Client.Tests;

public sealed class GridFileProcessTests
{
    [Fact]
    public async Task RelativeDatasetPath_ResolvesAgainstTheGridFilesDirectory_NotTheWorkingDirectory()
    {
        using var dir = new TempDirectory();
        var project = Directory.CreateDirectory(Path.Combine(dir.Path, "project")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(dir.Path, "elsewhere")).FullName;
        var timeout = TimeSpan.FromMinutes(2);
        var synth = await SweepProcess.RunAsync(project, timeout,
            "data", "synth", "gaussian", "--format", "mnist", "--out", "blobs", "--train", "200", "--test", "60", "--size", "8");
        Assert.True(synth.ExitCode == 0, synth.Error);
        var grid = Path.Combine(project, "grid.json");
        await File.WriteAllTextAsync(grid, """
            {
              "name": "relative",
              "datasets": [ { "name": "blobs", "format": "mnist", "path": "blobs" } ],
              "architectures": ["dnn"],
              "learningRates": [0.01],
              "seeds": [1],
              "training": { "batchSize": 16, "steps": 20, "evalEvery": 10, "devSize": 20, "checkpointEvery": 10 }
            }
            """, TestContext.Current.CancellationToken);

        var submit = await SweepProcess.RunAsync(elsewhere, timeout, "submit", Path.Combine("..", "project", "grid.json"), "--slots", "1");
        var board = await SweepProcess.RunAsync(elsewhere, timeout, "leaderboard", "--format", "json");

        Assert.True(submit.ExitCode == 0, submit.Error);
        Assert.StartsWith("sweep relative: 1 trial (", submit.Out);
        using var json = JsonDocument.Parse(board.Out);
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("completed", row.GetProperty("status").GetString());
        Assert.Equal("blobs", row.GetProperty("dataset").GetString());
    }
}
