using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;

namespace Sweep.Client.Tests;

public sealed class FailedSweepTests
{
    private const string OneTrial = """
        {
          "name": "failing",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn"],
          "learningRates": [0.01],
          "seeds": [1],
          "training": { "batchSize": 16, "steps": 20, "evalEvery": 10, "devSize": 50 }
        }
        """;

    [Fact]
    public async Task ResubmittingASweepWithAFailedTrial_ExitsOne_AndSaysFailedTrialsAreNotRerun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var grid = dir.File("failing.json", OneTrial);
        var store = new LocalDirectorySweepStore(dir.Path);
        var sweep = await store.CreateSweepAsync(GridCompiler.Compile(OneTrial, grid), ct);
        var spec = sweep.Trials.Single();
        var row = new LeaderboardRow(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed,
            TrialStatus.Failed, 0, 0, 0, 0, 0, 0, 0);
        await store.SaveResultAsync(new TrialResultRecord(row, [], null, null, null, null, null), ct);
        await store.SetTrialStatusAsync(spec.TrialId, TrialStatus.Failed, 0, ct);

        var run = await CliRun.RunAsync("submit", grid, "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already submitted, 1 of 1 trials finished: nothing left to run", run.Out);
        Assert.Contains("1 failed", run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("resubmitting does not rerun them", line);
        Assert.DoesNotContain("sweep trials", line);
    }
}
