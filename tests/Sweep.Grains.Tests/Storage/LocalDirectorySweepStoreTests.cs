using System.Globalization;
using Sweep.Grains.Storage;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The conformance suite on a <see cref="LocalDirectorySweepStore"/> in a temp directory.</summary>
public sealed class LocalDirectorySweepStoreTests : SweepStoreConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sweep-store-{Guid.NewGuid():N}");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task LeftoverTempFiles_AreIgnored()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trialDirectory = Path.Combine(_root, "trials", sweep.Trials[0].TrialId);
        await Store.SaveCheckpointAsync(sweep.Trials[0].TrialId, 10, new byte[] { 1, 2, 3 }, Ct);
        // What a crash halfway through a write leaves behind.
        await File.WriteAllBytesAsync(Path.Combine(trialDirectory, ".checkpoint-0000000020.swf.0123.tmp"), new byte[] { 9, 9 }, Ct);
        await File.WriteAllBytesAsync(Path.Combine(trialDirectory, ".result.bin.0123.tmp"), new byte[] { 9, 9 }, Ct);

        var reopened = new LocalDirectorySweepStore(_root);

        Assert.Equal(10, (await reopened.LoadCheckpointAsync(sweep.Trials[0].TrialId, Ct))!.Step);
        Assert.Null(await reopened.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.True(await reopened.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct));
    }

    [Fact]
    public async Task CorruptResultFile_IsReportedWithItsPath()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct);
        var path = Path.Combine(_root, "trials", sweep.Trials[0].TrialId, "result.bin");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^10] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));

        Assert.Contains(path, error.Message);
        Assert.Contains("checksum", error.Message);
    }

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root));

    protected override Task<ISweepStore> ReopenStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root));

    protected override async Task CorruptCheckpointAsync(string trialId, int step)
    {
        var path = CheckpointPath(trialId, step);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^1] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes, Ct);
    }

    protected override Task<int[]> StoredCheckpointStepsAsync(string trialId) =>
        Task.FromResult(Directory.EnumerateFiles(Path.Combine(_root, "trials", trialId), "checkpoint-*.swf")
            .Select(p => int.Parse(Path.GetFileNameWithoutExtension(p)["checkpoint-".Length..], CultureInfo.InvariantCulture))
            .OrderDescending()
            .ToArray());

    private string CheckpointPath(string trialId, int step) =>
        Path.Combine(_root, "trials", trialId, string.Create(CultureInfo.InvariantCulture, $"checkpoint-{step:D10}.swf"));
}
