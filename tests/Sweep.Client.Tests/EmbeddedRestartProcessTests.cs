using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Client.Tests;

public sealed class EmbeddedRestartProcessTests
{
    private const string Grid = """
        {
          "name": "restart",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn"],
          "learningRates": [0.01],
          "seeds": [1, 2, 3],
          "training": { "batchSize": 16, "steps": 4000, "evalEvery": 100, "devSize": 50, "checkpointEvery": 100 }
        }
        """;

    [Fact]
    public async Task KilledEmbeddedSweep_ResumesOnResubmit_KeepsFinishedTrials_AndEndsAsAnUninterruptedRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var grid = dir.File("restart.json", Grid);
        var killedDir = Directory.CreateDirectory(Path.Combine(dir.Path, "killed")).FullName;
        var cleanDir = Directory.CreateDirectory(Path.Combine(dir.Path, "clean")).FullName;
        var timeout = TimeSpan.FromMinutes(2);
        var store = new LocalDirectorySweepStore(Path.Combine(killedDir, ".sweep"));

        using (var first = SweepProcess.Start(killedDir, "submit", grid, "--slots", "1"))
        {
            var deadline = DateTime.UtcNow + timeout;
            var seen = (Finished: 0, Checkpointed: 0);
            while ((seen = await ProgressAsync(store, ct)) is not { Finished: >= 1, Checkpointed: >= 1 })
            {
                Assert.True(DateTime.UtcNow < deadline, $"no finished trial and checkpointed trial within the deadline (saw {seen})");
                if (first.HasExited)
                {
                    Assert.Fail($"the sweep ended before it could be killed (saw {seen}): {await first.StandardError.ReadToEndAsync(ct)}");
                }
                await Task.Delay(50, ct);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(ct);
        }
        var finishedBefore = (await store.QueryLeaderboardAsync(new(SweepId: "restart"), ct)).ToDictionary(r => r.TrialId);

        var resumed = await SweepProcess.RunAsync(killedDir, timeout, "submit", grid, "--slots", "1");
        var clean = await SweepProcess.RunAsync(cleanDir, timeout, "submit", grid, "--slots", "1");

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(clean.ExitCode == 0, clean.Error);
        Assert.Contains($"already submitted, {finishedBefore.Count} of 3 trials finished", resumed.Out);
        var cleanStore = new LocalDirectorySweepStore(Path.Combine(cleanDir, ".sweep"));
        var after = await store.QueryLeaderboardAsync(new(SweepId: "restart"), ct);
        Assert.Equal(3, after.Count);
        foreach (var row in after)
        {
            if (finishedBefore.TryGetValue(row.TrialId, out var before))
            {
                Assert.Equal(before, row);
            }
            var mine = await store.GetResultAsync(row.TrialId, ct);
            var reference = await cleanStore.GetResultAsync(row.TrialId, ct);
            Assert.Equal(reference!.Row with { WallSeconds = 0 }, mine!.Row with { WallSeconds = 0 });
            Assert.Equal(reference.Curve, mine.Curve);
            Assert.Equal(reference.TestPredictions!.Probabilities, mine.TestPredictions!.Probabilities);
        }
    }

    private static async Task<(int Finished, int Checkpointed)> ProgressAsync(LocalDirectorySweepStore store, CancellationToken ct)
    {
        var sweep = await store.GetSweepAsync("restart", ct);
        if (sweep is null)
        {
            return (0, 0);
        }
        var finished = 0;
        var checkpointed = 0;
        foreach (var trial in sweep.Trials)
        {
            if (await store.GetResultAsync(trial.TrialId, ct) is not null)
            {
                finished++;
            }
            else if (await store.LoadCheckpointAsync(trial.TrialId, ct) is { Step: > 0 })
            {
                checkpointed++;
            }
        }
        return (finished, checkpointed);
    }
}
