using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

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

    /// <summary>A multi-line message with CSV's special characters, as an exception's message may be.</summary>
    private const string Message = "Dataset file '/data/train.bin' is truncated: 12 of 3072 bytes, \"images\"\nre-download it";

    [Fact]
    public async Task ResubmittingASweepWithAFailedTrial_ExitsOne_ListsItsStoredError_AndSaysFailedTrialsAreNotRerun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var grid = dir.File("failing.json", OneTrial);
        var store = new LocalDirectorySweepStore(dir.Path);
        var sweep = await store.CreateSweepAsync(GridCompiler.Compile(OneTrial, grid), ct);
        var spec = sweep.Trials.Single();
        await RecordFailureAsync(store, spec, Message, ct);

        var run = await CliRun.RunAsync("submit", grid, "--store", dir.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already submitted, 1 of 1 trials finished: nothing left to run", run.Out);
        Assert.Contains("1 failed", run.Out);
        Assert.Contains($"  {spec.TrialId} failed: {Message.ReplaceLineEndings(" ")}", run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("resubmitting does not rerun them", line);
        Assert.DoesNotContain("sweep trials", line);
    }

    [Fact]
    public async Task AFailedTrialsError_IsShownByTrialsInEveryFormat_ByAProcessStartedAfterTheSweepEnded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var twoSeeds = OneTrial.Replace("\"seeds\": [1]", "\"seeds\": [1, 2]", StringComparison.Ordinal);
        var grid = dir.File("failing.json", twoSeeds);
        var store = new LocalDirectorySweepStore(dir.Path);
        var sweep = await store.CreateSweepAsync(GridCompiler.Compile(twoSeeds, grid), ct);
        var (failed, pending) = (sweep.Trials[0], sweep.Trials[1]);
        await RecordFailureAsync(store, failed, Message, ct);
        var timeout = TimeSpan.FromMinutes(1);

        var json = await SweepProcess.RunAsync(dir.Path, timeout, "trials", "failing", "--store", dir.Path, "--format", "json");
        var csv = await SweepProcess.RunAsync(dir.Path, timeout, "trials", "failing", "--store", dir.Path, "--format", "csv");
        var table = await SweepProcess.RunAsync(dir.Path, timeout, "trials", "failing", "--store", dir.Path);

        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Out);
        var rows = document.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("trialId").GetString()!);
        Assert.Equal("failed", rows[failed.TrialId].GetProperty("status").GetString());
        Assert.Equal(Message, rows[failed.TrialId].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, rows[pending.TrialId].GetProperty("error").ValueKind);
        Assert.True(csv.ExitCode == 0, csv.Error);
        Assert.EndsWith(",error", csv.Out.Split('\n')[0].TrimEnd(), StringComparison.Ordinal);
        Assert.Contains($",\"{Message.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", csv.Out);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains($"{failed.TrialId} failed: {Message.ReplaceLineEndings(" ")}", table.Out.Split('\n').Select(l => l.TrimEnd()));
        Assert.DoesNotContain(table.Out.Split('\n'), l => l.StartsWith($"{pending.TrialId} failed", StringComparison.Ordinal));
    }

    /// <summary>What a trial whose training threw leaves in the store (see TrialGrain).</summary>
    private static async Task RecordFailureAsync(ISweepStore store, TrialSpec spec, string error, CancellationToken ct)
    {
        var row = new LeaderboardRow(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed,
            TrialStatus.Failed, 0, 0, 0, 0, 0, 0, 0);
        Assert.True(await store.SaveResultAsync(new TrialResultRecord(row, [], null, null, null, null, null, error), ct));
    }
}
