using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sweep.Grains.Storage;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The conformance suite on a <see cref="LocalDirectorySweepStore"/> in a temp directory.</summary>
public sealed class LocalDirectorySweepStoreTests : SweepStoreConformanceTests
{
    private readonly TemporaryDirectory _root = new("sweep-store");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task LeftoverTempFiles_AreIgnored()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trialDirectory = Path.Combine(_root.Path, "trials", sweep.Trials[0].TrialId);
        await Store.SaveCheckpointAsync(sweep.Trials[0].TrialId, 10, new byte[] { 1, 2, 3 }, Ct);
        // What a crash halfway through a write leaves behind.
        await File.WriteAllBytesAsync(Path.Combine(trialDirectory, ".checkpoint-0000000020.swf.0123.tmp"), new byte[] { 9, 9 }, Ct);
        await File.WriteAllBytesAsync(Path.Combine(trialDirectory, ".result.bin.0123.tmp"), new byte[] { 9, 9 }, Ct);

        var reopened = new LocalDirectorySweepStore(_root.Path);

        Assert.Equal(10, (await reopened.LoadCheckpointAsync(sweep.Trials[0].TrialId, Ct))!.Step);
        Assert.Null(await reopened.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.True(await reopened.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct));
    }

    [Fact]
    public async Task ResultFileWrittenBeforeErrorsWereKept_ReadsWithANullError()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var result = StoreTestData.Result(sweep.Trials[0], seed: 1, status: TrialStatus.Failed);
        var sections = ResultFile.Encode(result);
        // The JSON section as it was before the error field: row, train, dev, test and nothing else.
        var json = JsonSerializer.SerializeToUtf8Bytes(new { result.Row, result.Train, result.Dev, result.Test }, StorageCodec.Json);
        var header = sections[0].ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(4), json.Length);
        SHA256.HashData(json).CopyTo(header, 12);
        var path = Path.Combine(_root.Path, "trials", sweep.Trials[0].TrialId, "result.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, [.. header, .. json, .. sections[2].ToArray()], Ct);
        Assert.DoesNotContain("error", Encoding.UTF8.GetString(json), StringComparison.OrdinalIgnoreCase);

        var read = await new LocalDirectorySweepStore(_root.Path).GetResultAsync(sweep.Trials[0].TrialId, Ct);

        StoreTestData.AssertSame(result, read);
        Assert.Null(read!.Error);
        Assert.Empty(await Store.GetTrialErrorsAsync("alpha", Ct));
    }

    [Fact]
    public async Task CorruptResultFile_IsListedAsDamagedWithItsPath_AndReadsAsNoResult()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct);
        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[1], seed: 2), Ct);
        var path = Path.Combine(_root.Path, "trials", sweep.Trials[0].TrialId, "result.bin");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^10] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var store = new LocalDirectorySweepStore(_root.Path);

        var damage = Assert.Single(await store.GetDamageAsync(null, Ct));

        Assert.Equal((StoreDamageKind.Result, sweep.Trials[0].TrialId, path), (damage.Kind, damage.TrialId, damage.Location));
        Assert.Contains("checksum", damage.Reason);
        Assert.Null(await store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.Equal([sweep.Trials[1].TrialId], (await store.GetResultsAsync("alpha", Ct)).Select(r => r.Row.TrialId));
        Assert.Equal(TrialStatus.Pending, (await store.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[0].TrialId].Status);
        var predictions = await Assert.ThrowsAsync<StoreException>(() => store.GetPredictionsAsync(sweep.Trials[0].TrialId, PredictionSplit.Test, Ct));
        Assert.Contains(path, predictions.Message);
    }

    [Fact]
    public async Task CorruptRungFile_IsListedAsDamaged_SkippedByGetRungs_AndReplacedWhenRecordedAgain()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var (t0, t1) = (sweep.Trials[0].TrialId, sweep.Trials[1].TrialId);
        var damaged = new RungCall(t0, 0, 10, 0.4, RungVerdict.Prune, [new RungStanding(t1, 0.9), new RungStanding(t0, 0.4)], 1);
        var intact = new RungCall(t1, 0, 10, 0.9, RungVerdict.Continue, [new RungStanding(t1, 0.9), new RungStanding(t0, 0.4)], 1);
        await Store.RecordRungAsync("alpha", damaged, Ct);
        await Store.RecordRungAsync("alpha", intact, Ct);
        var path = Path.Combine(_root.Path, "sweeps", "alpha", "rungs", $"rung-0000.{t0}.swf");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^3] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var store = new LocalDirectorySweepStore(_root.Path);

        var damage = Assert.Single(await store.GetDamageAsync("alpha", Ct));
        var rungs = await store.GetRungsAsync("alpha", Ct);
        await store.RecordRungAsync("alpha", damaged, Ct);

        Assert.Equal((StoreDamageKind.Rung, "alpha", t0, path), (damage.Kind, damage.SweepId, damage.TrialId, damage.Location));
        Assert.Contains("checksum", damage.Reason);
        Assert.Contains("rung decision", damage.Describe());
        Assert.Equal([t1], rungs.Select(r => r.TrialId));
        Assert.Empty(await store.GetDamageAsync("alpha", Ct));
        Assert.Equal([t1, t0], (await store.GetRungsAsync("alpha", Ct)).Select(r => r.TrialId));
    }

    [Fact]
    public async Task DamagedResult_IsReplacedByTheRerunsResult_AndKeptAside()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0];
        await Store.SaveResultAsync(StoreTestData.Result(trial, seed: 1), Ct);
        var path = Path.Combine(_root.Path, "trials", trial.TrialId, "result.bin");
        await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(path, Ct))[..100], Ct);
        var store = new LocalDirectorySweepStore(_root.Path);
        var rerun = StoreTestData.Result(trial, seed: 1);

        Assert.True(await store.SaveResultAsync(rerun, Ct));

        StoreTestData.AssertSame(rerun, await new LocalDirectorySweepStore(_root.Path).GetResultAsync(trial.TrialId, Ct));
        Assert.True(File.Exists(path + ".damaged"));
        Assert.Empty(await store.GetDamageAsync("alpha", Ct));
        Assert.False(await store.SaveResultAsync(StoreTestData.Result(trial, seed: 2), Ct));
    }

    [Fact]
    public async Task DamagedStatusFile_IsRebuiltFromTheNewestGoodCheckpoint()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0];
        await Store.SaveCheckpointAsync(trial.TrialId, 30, new byte[] { 1, 2, 3 }, Ct);
        await Store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, 35, Ct);
        var statusPath = Path.Combine(_root.Path, "trials", trial.TrialId, "status.swf");
        await File.WriteAllTextAsync(statusPath, "not a status", Ct);
        using var said = new StringWriter();
        using var repairs = StoreRepairs.To(said);

        var statuses = await new LocalDirectorySweepStore(_root.Path).GetTrialStatusesAsync("alpha", Ct);

        Assert.Equal((TrialStatus.Pending, 30), statuses[trial.TrialId]);
        Assert.Contains($"repaired {statusPath}", said.ToString());
        Assert.Empty(await new LocalDirectorySweepStore(_root.Path).GetDamageAsync("alpha", Ct));
    }

    [Fact]
    public async Task DamagedSweepFile_HidesOnlyThatSweep_AndTheSameGridRebuildsIt()
    {
        var alpha = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(alpha, Ct);
        await Store.CreateSweepAsync(StoreTestData.Sweep("beta"), Ct);
        await Store.SaveResultAsync(StoreTestData.Result(alpha.Trials[0], seed: 1), Ct);
        var sweepPath = Path.Combine(_root.Path, "sweeps", "alpha", "sweep.swf");
        await File.WriteAllBytesAsync(sweepPath, [], Ct);
        var store = new LocalDirectorySweepStore(_root.Path);

        Assert.Equal(["beta"], (await store.ListSweepsAsync(Ct)).Select(s => s.SweepId));
        Assert.Equal(StoreDamageKind.Sweep, Assert.Single(await store.GetDamageAsync(null, Ct)).Kind);
        Assert.Null(await store.GetSweepAsync("alpha", Ct));
        Assert.Contains(sweepPath, Assert.Single(await store.GetDamageAsync("alpha", Ct)).Location);

        Assert.Equal(alpha.GridHash, (await store.CreateSweepAsync(alpha, Ct)).GridHash);
        Assert.Equal(2, (await new LocalDirectorySweepStore(_root.Path).ListSweepsAsync(Ct)).Count);
        Assert.NotNull(await new LocalDirectorySweepStore(_root.Path).GetResultAsync(alpha.Trials[0].TrialId, Ct));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("under-file")]
    [InlineData("proc")]
    public void AStoreDirectoryThatCannotBeOne_IsOneLineNamingItAndTheFix(string kind)
    {
        var file = Path.Combine(_root.Path, "plain");
        File.WriteAllText(file, "x");
        var root = kind switch
        {
            "file" => file,
            "under-file" => Path.Combine(file, "store"),
            "proc" => "/proc/sweep-store",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var error = Assert.Throws<StoreException>(() => new LocalDirectorySweepStore(root));

        Assert.Contains($"'{root}'", error.Message);
        Assert.Contains("--store DIR", error.Message);
        Assert.DoesNotContain(Environment.NewLine, error.Message);
    }

    [Fact]
    public async Task SaveResult_TwoInstancesOverOneDirectory_ExactlyOneWins()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var other = new LocalDirectorySweepStore(_root.Path);
        var trial = sweep.Trials[0];

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => (i % 2 == 0 ? Store : other).SaveResultAsync(StoreTestData.Result(trial, seed: i), Ct), Ct)));

        Assert.Single(outcomes, won => won);
        StoreTestData.AssertSame(StoreTestData.Result(trial, seed: Array.IndexOf(outcomes, true)), await other.GetResultAsync(trial.TrialId, Ct));
    }

    [Fact]
    public async Task StatusFileLostAfterTheResultWasCommitted_TheResultDecidesTheStatus()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SetTrialStatusAsync(sweep.Trials[0].TrialId, TrialStatus.Running, 10, Ct);
        var result = StoreTestData.Result(sweep.Trials[0], seed: 1, status: TrialStatus.Diverged);
        await Store.SaveResultAsync(result, Ct);
        // A crash between committing result.bin and rewriting the status file leaves the old status behind.
        var statusPath = Path.Combine(_root.Path, "trials", sweep.Trials[0].TrialId, "status.swf");
        File.Delete(statusPath);
        await new LocalDirectorySweepStore(_root.Path).SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Running, 3, Ct);

        var statuses = await new LocalDirectorySweepStore(_root.Path).GetTrialStatusesAsync("alpha", Ct);

        Assert.Equal((TrialStatus.Diverged, result.Row.Steps), statuses[sweep.Trials[0].TrialId]);
        Assert.Equal((TrialStatus.Running, 3), statuses[sweep.Trials[1].TrialId]);
    }

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root.Path));

    protected override Task<ISweepStore> ReopenStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root.Path));

    protected override async Task CorruptCheckpointAsync(string trialId, int step)
    {
        var path = CheckpointPath(trialId, step);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^1] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes, Ct);
    }

    protected override Task<int[]> StoredCheckpointStepsAsync(string trialId) =>
        Task.FromResult(Directory.EnumerateFiles(Path.Combine(_root.Path, "trials", trialId), "checkpoint-*.swf")
            .Select(p => int.Parse(Path.GetFileNameWithoutExtension(p)["checkpoint-".Length..], CultureInfo.InvariantCulture))
            .OrderDescending()
            .ToArray());

    private string CheckpointPath(string trialId, int step) =>
        Path.Combine(_root.Path, "trials", trialId, string.Create(CultureInfo.InvariantCulture, $"checkpoint-{step:D10}.swf"));
}
