using System.Text.Json;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Client.Tests.BadInput;

/// <summary>
/// A damaged store degrades instead of failing: listings show the damaged trial and the rest, a resubmit reruns
/// a damaged result bit for bit, damaged status, study and sweep files are rebuilt and the repair is said.
/// </summary>
public sealed class DamagedStoreTests
{
    private static readonly string ResultFile = Path.Combine("trials", FinishedStore.TrialId, "result.bin");

    [Fact]
    public async Task OneDamagedResultAmongMany_TheLeaderboardListsTheRest_AndMarksItDamaged()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();
        var damaged = Path.Combine(store, ResultFile);
        Flip(damaged, 90);

        var csv = await CliRun.RunAsync("leaderboard", "--sweep", "tiny", "--format", "csv", "--store", store);
        var json = await CliRun.RunAsync("leaderboard", "--sweep", "tiny", "--format", "json", "--store", store);
        var trials = await CliRun.RunAsync("trials", "tiny", "--format", "json", "--store", store);

        Assert.Equal((0, 0, 0), (csv.ExitCode, json.ExitCode, trials.ExitCode));
        var rows = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(3, rows.Count(r => r.Contains(",completed,")));
        Assert.StartsWith($"{FinishedStore.TrialId},", Assert.Single(rows, r => r.Contains(",damaged,")));
        var line = Assert.Single(csv.ErrorLines);
        Assert.Contains(damaged, line);
        Assert.Contains("checksum", line);
        using var board = JsonDocument.Parse(json.Out);
        Assert.Equal(3, board.RootElement.GetArrayLength());
        Assert.DoesNotContain(board.RootElement.EnumerateArray(), r => r.GetProperty("trialId").GetString() == FinishedStore.TrialId);
        using var listed = JsonDocument.Parse(trials.Out);
        var row = Assert.Single(listed.RootElement.EnumerateArray(), r => r.GetProperty("trialId").GetString() == FinishedStore.TrialId);
        Assert.Equal("damaged", row.GetProperty("status").GetString());
        Assert.Contains(damaged, row.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Resubmit_RerunsTheDamagedTrialFromItsNewestGoodCheckpoint_BitForBit()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();
        var uninterrupted = await new LocalDirectorySweepStore(store).GetResultAsync(FinishedStore.TrialId, TestContext.Current.CancellationToken);
        Truncate(Path.Combine(store, ResultFile), 120);
        // Its checkpoint (step 20; the one at its last step, 40, was never stored) is damaged too: the rerun finds no
        // good checkpoint and trains from step 0.
        Flip(Path.Combine(store, "trials", FinishedStore.TrialId, "checkpoint-0000000020.swf"), -1);
        var grid = workspace.Text("tiny.json", TinyGrids.Valid);

        // Damage done behind the store's back is found by reading every trial's files (--verify), as a resubmit does.
        var status = await CliRun.RunAsync("status", "tiny", "--verify", "--format", "json", "--store", store);
        // A real process: the repair is said by the store inside the silo, on the process's stderr.
        var submit = await SweepProcess.RunAsync(workspace.Root, TimeSpan.FromMinutes(2), "submit", grid, "--store", store);

        using var counts = JsonDocument.Parse(status.Out);
        Assert.Equal((1, 3, "pending"), (counts.RootElement.GetProperty("damaged").GetInt32(), counts.RootElement.GetProperty("completed").GetInt32(), counts.RootElement.GetProperty("state").GetString()));
        Assert.Equal(0, submit.ExitCode);
        Assert.Contains(submit.ErrorLines, l => l.Contains("repaired") && l.Contains(Path.Combine(store, ResultFile)));
        var repaired = await new LocalDirectorySweepStore(store).GetResultAsync(FinishedStore.TrialId, TestContext.Current.CancellationToken);
        Assert.NotNull(repaired);
        Assert.Equal(Canonical(uninterrupted!), Canonical(repaired));
        Assert.Empty(await new LocalDirectorySweepStore(store).GetDamageAsync(null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ADamagedStatusFile_IsRebuiltFromTheResult_AndTheRepairIsSaid()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();
        var statusFile = Path.Combine(store, "trials", FinishedStore.TrialId, "status.swf");
        File.WriteAllText(statusFile, "garbage");

        var first = await CliRun.RunAsync("status", "tiny", "--verify", "--format", "json", "--store", store);
        var second = await CliRun.RunAsync("status", "tiny", "--verify", "--format", "json", "--store", store);

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        var line = Assert.Single(first.ErrorLines);
        Assert.Contains($"repaired {statusFile}", line);
        Assert.Contains("rebuilt from its result", line);
        Assert.Equal("", second.Error);
        using var counts = JsonDocument.Parse(first.Out);
        Assert.Equal((4, "finished"), (counts.RootElement.GetProperty("completed").GetInt32(), counts.RootElement.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task ADamagedStudyFile_IsRecomputedFromTheResults_AndStoredAgain()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();
        var studyFile = Path.Combine(store, "sweeps", "tiny", "study.swf");
        Assert.True(File.Exists(studyFile), "the finished sweep stored its study");
        var intact = await CliRun.RunAsync("study", "tiny", "--format", "json", "--store", store);
        Flip(studyFile, -3);

        var recomputed = await CliRun.RunAsync("study", "tiny", "--format", "json", "--store", store);
        var again = await CliRun.RunAsync("study", "tiny", "--format", "json", "--store", store);

        Assert.Equal((0, 0), (recomputed.ExitCode, again.ExitCode));
        Assert.Contains(studyFile, Assert.Single(recomputed.ErrorLines));
        Assert.Contains("recomputed from the results", recomputed.Error);
        Assert.Equal("", again.Error);
        Assert.Equal(intact.Out, recomputed.Out);
    }

    [Fact]
    public async Task ADamagedSweepFile_HidesOnlyItsSweep_AndResubmittingTheGridRebuildsItWithoutRetraining()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();
        var sweepFile = Path.Combine(store, "sweeps", "tiny", "sweep.swf");
        var results = Directory.GetFiles(Path.Combine(store, "trials"), "result.bin", SearchOption.AllDirectories)
            .ToDictionary(f => f, File.ReadAllBytes);
        Truncate(sweepFile, 50);
        var grid = workspace.Text("tiny.json", TinyGrids.Valid);

        var status = await CliRun.RunAsync("status", "--format", "json", "--store", store);
        // A real process: the repair is said by the store inside the silo, on the process's stderr.
        var submit = await SweepProcess.RunAsync(workspace.Root, TimeSpan.FromMinutes(2), "submit", grid, "--store", store);
        var after = await CliRun.RunAsync("status", "tiny", "--format", "json", "--store", store);

        Assert.Equal((0, "[]"), (status.ExitCode, status.Out.Trim()));
        Assert.Contains(sweepFile, Assert.Single(status.ErrorLines));
        Assert.Equal(0, submit.ExitCode);
        Assert.Contains(submit.ErrorLines, l => l.Contains($"repaired {sweepFile}"));
        Assert.Equal("", after.Error);
        using var counts = JsonDocument.Parse(after.Out);
        Assert.Equal(4, counts.RootElement.GetProperty("completed").GetInt32());
        Assert.All(results, r => Assert.Equal(r.Value, File.ReadAllBytes(r.Key)));
    }

    /// <summary>Everything a result holds but its wall-clock seconds, in a form where equal text means equal bits.</summary>
    private static string Canonical(TrialResultRecord result) =>
        JsonSerializer.Serialize(result with { Row = result.Row with { WallSeconds = 0 } }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static void Flip(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path, int keep) => File.WriteAllBytes(path, File.ReadAllBytes(path)[..keep]);
}
