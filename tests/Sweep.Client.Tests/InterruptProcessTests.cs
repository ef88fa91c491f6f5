using System.Text.Json;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
namespace Sweep.Client.Tests;

public sealed class InterruptProcessTests
{
    private const string Grid = """
        {
          "name": "interrupt",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 16, "seed": 1 } ],
          "architectures": ["cnn"],
          "filters": [8],
          "learningRates": [0.01],
          "seeds": [1, 2, 3],
          "training": { "batchSize": 16, "steps": 3000, "evalEvery": 100, "devSize": 50, "checkpointEvery": 100 }
        }
        """;

    [Fact]
    public async Task RunningTrialsShowTheirSteps_SigintStopsWith130AndOneLine_LeavesThemPending_AndTheSameSubmitFinishesWithoutRerunningAny()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var grid = dir.File("interrupt.json", Grid);
        var timeout = TimeSpan.FromMinutes(4);
        var store = new LocalDirectorySweepStore(Path.Combine(dir.Path, ".sweep"));
        CliRun interrupted;
        using (var first = SweepProcess.Start(dir.Path, "submit", grid, "--slots", "1"))
        {
            var stdout = first.StandardOutput.ReadToEndAsync(ct);
            var stderr = first.StandardError.ReadToEndAsync(ct);
            var deadline = DateTime.UtcNow + timeout;
            var seen = (Finished: 0, Checkpointed: 0);
            var runningStepsSeen = false;
            while ((seen = await FinishedAndCheckpointedAsync(store, ct)) is not { Finished: >= 1, Checkpointed: >= 1 } || !runningStepsSeen)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no finished and checkpointed trial within the deadline (saw {seen})");
                if (first.HasExited)
                {
                    Assert.Fail($"the sweep ended before it could be interrupted (saw {seen}): {await stderr}");
                }
                runningStepsSeen |= (await store.GetTrialStatusesAsync("interrupt", ct)).Values.Any(s => s is { Status: Sweep.Grains.Lifecycle.TrialStatus.Running, Steps: > 0 });
                await Task.Delay(50, ct);
            }
            PosixSignals.Send(first.Id, PosixSignals.Interrupt);
            using var exit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            exit.CancelAfter(timeout);
            await first.WaitForExitAsync(exit.Token);
            interrupted = new CliRun(first.ExitCode, await stdout, await stderr);
        }
        var finishedBefore = (await store.QueryLeaderboardAsync(new(SweepId: "interrupt"), ct)).ToDictionary(r => r.TrialId);
        var statuses = await store.GetTrialStatusesAsync("interrupt", ct);

        var resumed = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid, "--slots", "1");
        var board = await SweepProcess.RunAsync(dir.Path, timeout, "leaderboard", "--format", "json");

        Assert.Equal(130, interrupted.ExitCode);
        Assert.Contains("interrupted; run the same command again", Assert.Single(interrupted.ErrorLines));
        Assert.DoesNotContain(statuses.Values, s => s.Status == Sweep.Grains.Lifecycle.TrialStatus.Running);
        Assert.Contains(statuses.Values, s => s.Status == Sweep.Grains.Lifecycle.TrialStatus.Pending && s.Steps > 0);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"already submitted, {finishedBefore.Count} of 3 trials finished; running the rest", resumed.Out);
        using var json = JsonDocument.Parse(board.Out);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        foreach (var (id, before) in finishedBefore)
        {
            var row = rows.Single(r => r.GetProperty("trialId").GetString() == id);
            Assert.Equal(before.WallSeconds, row.GetProperty("wallSeconds").GetDouble());
        }
    }

    private static async Task<(int Finished, int Checkpointed)> FinishedAndCheckpointedAsync(LocalDirectorySweepStore store, CancellationToken ct)
    {
        if (await store.GetSweepAsync("interrupt", ct) is not { } sweep)
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
