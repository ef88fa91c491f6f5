using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Local;
using Sweep.Grains.Tests.Support;

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
    public async Task CorruptResultFile_IsReportedWithItsPath()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct);
        var path = Path.Combine(_root.Path, "trials", sweep.Trials[0].TrialId, "result.bin");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^10] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));

        Assert.Contains(path, error.Message);
        Assert.Contains("checksum", error.Message);
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
