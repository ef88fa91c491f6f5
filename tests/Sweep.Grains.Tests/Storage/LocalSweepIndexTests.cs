using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The local store's per-sweep index is never trusted blindly: missing, cut short, damaged, built from another
/// definition, or left behind by a write a crash cut off, it is detected and the answer comes from the files; a
/// result damaged behind the store's back is found by a read that verifies it, and counted from then on.
/// </summary>
public sealed class LocalSweepIndexTests : IDisposable
{
    private readonly TemporaryDirectory _root = new("sweep-index");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string IndexFile => Path.Combine(_root.Path, "sweeps", "alpha", "index.swi");

    private string PendingDirectory => Path.Combine(_root.Path, "sweeps", "alpha", "index.pending");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task WritesKeepTheIndex_AndLeaveNoMarkers()
    {
        var sweep = await FinishedHalfAsync();

        Assert.True(File.Exists(IndexFile));
        Assert.Empty(Directory.EnumerateFiles(PendingDirectory));
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("cut short")]
    [InlineData("flipped byte")]
    [InlineData("garbage")]
    public async Task ADamagedIndex_IsDetected_AndRebuiltFromTheFiles(string damage)
    {
        var sweep = await FinishedHalfAsync();
        var bytes = await File.ReadAllBytesAsync(IndexFile, Ct);
        switch (damage)
        {
            case "missing":
                File.Delete(IndexFile);
                break;
            case "cut short":
                await File.WriteAllBytesAsync(IndexFile, bytes[..^7], Ct);
                break;
            case "flipped byte":
                bytes[bytes.Length / 2] ^= 0x40;
                await File.WriteAllBytesAsync(IndexFile, bytes, Ct);
                break;
            case "garbage":
                await File.WriteAllTextAsync(IndexFile, "not an index", Ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage");
        }

        await AssertAnswersAreTheFilesAsync(sweep);
        var (rebuilt, clean) = SweepIndexFile.Decode(await File.ReadAllBytesAsync(IndexFile, Ct));
        Assert.True(clean);
        Assert.Equal(sweep.Trials.Length, rebuilt!.Trials.Count);
    }

    [Fact]
    public async Task AResultWrittenButNotIndexed_ACrashBeforeTheAppend_IsReadFromItsFilesThroughItsMarker()
    {
        var sweep = await FinishedHalfAsync();
        var before = await File.ReadAllBytesAsync(IndexFile, Ct);
        var trial = sweep.Trials[^1];
        await new LocalDirectorySweepStore(_root.Path).SaveResultAsync(StoreTestData.Result(trial, seed: 99, testAccuracy: 0.99), Ct);
        // The crash: the result file is committed, the index append and the marker's removal never happened.
        await File.WriteAllBytesAsync(IndexFile, before, Ct);
        File.WriteAllBytes(Path.Combine(PendingDirectory, $"{trial.TrialId}~999999999~{Guid.NewGuid():N}"), []);

        var store = new LocalDirectorySweepStore(_root.Path);
        var top = Assert.Single(await store.QueryLeaderboardAsync(new LeaderboardQuery("alpha", Top: 1), Ct));

        Assert.Equal(trial.TrialId, top.TrialId);
        Assert.Equal(TrialStatus.Completed, (await store.GetTrialPageAsync("alpha", sweep.Trials.Length - 1, 1, Ct))!.Trials[0].Status);
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    [Fact]
    public async Task AStatusWrittenButNotIndexed_IsReadFromItsFiles_AndACompactionFoldsItIn()
    {
        var sweep = await FinishedHalfAsync();
        var before = await File.ReadAllBytesAsync(IndexFile, Ct);
        var trial = sweep.Trials[^2];
        await new LocalDirectorySweepStore(_root.Path).SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, 42, Ct);
        await File.WriteAllBytesAsync(IndexFile, before, Ct);
        var marker = Path.Combine(PendingDirectory, $"{trial.TrialId}~999999999~{Guid.NewGuid():N}");
        File.WriteAllBytes(marker, []);

        var counts = Assert.Single((await new LocalDirectorySweepStore(_root.Path).GetSweepCountsAsync("alpha", Ct)).Sweeps);
        // Trials 5 and 6 were running already; the index alone would say this one is pending.
        Assert.Equal(3, counts.Count(TrialStatus.Running));
        await AssertAnswersAreTheFilesAsync(sweep);

        // A rebuild (here: after the index is lost) folds the dead writer's trial in and removes its marker.
        File.Delete(IndexFile);
        await AssertAnswersAreTheFilesAsync(sweep);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task AnIndexBuiltFromAnotherDefinition_IsRebuilt()
    {
        var sweep = await FinishedHalfAsync();
        var definition = Path.Combine(_root.Path, "sweeps", "alpha", "sweep.swf");
        // Same bytes, another write time: the index cannot tell it is the same definition, so it does not assume so.
        File.SetLastWriteTimeUtc(definition, File.GetLastWriteTimeUtc(definition).AddSeconds(-30));
        var stale = await File.ReadAllBytesAsync(IndexFile, Ct);

        await AssertAnswersAreTheFilesAsync(sweep);

        Assert.NotEqual(stale, await File.ReadAllBytesAsync(IndexFile, Ct));
    }

    [Fact]
    public async Task AnIndexFromAnotherBoot_IsRebuilt()
    {
        var sweep = await FinishedHalfAsync();
        var (index, _) = SweepIndexFile.Decode(await File.ReadAllBytesAsync(IndexFile, Ct));
        // Written before a power loss that lost the last appends: it claims nothing finished.
        var lost = new SweepIndex("an-earlier-boot", index!.SweepId, index.GridHash, index.GridJson, index.CreatedAt, index.DefinitionLength,
            index.DefinitionWrittenTicks, [.. sweep.Trials.Select(IndexedTrial.Of)]);
        await File.WriteAllBytesAsync(IndexFile, SweepIndexFile.EncodeSnapshot(lost), Ct);

        await AssertAnswersAreTheFilesAsync(sweep);
    }

    // Verification checks both sections' checksums and the length without decoding either, so each kind of damage
    // is put where only that check can see it: the JSON section (just past the 84-byte header), the binary section
    // (predictions, at the end), and a file cut short.
    [Theory]
    [InlineData("json", "checksum mismatch in the JSON section")]
    [InlineData("binary", "checksum mismatch in the binary section")]
    [InlineData("truncated", "bad header or length")]
    public async Task AResultDamagedBehindTheStoresBack_IsFoundWhenVerified_AndCountedFromThen(string where, string reason)
    {
        var sweep = await FinishedHalfAsync();
        var store = new LocalDirectorySweepStore(_root.Path);
        var best = Assert.Single(await store.QueryLeaderboardAsync(new LeaderboardQuery("alpha", Top: 1), Ct));
        var path = Path.Combine(_root.Path, "trials", best.TrialId, "result.bin");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        switch (where)
        {
            case "json":
                bytes[90] ^= 0xFF;
                break;
            case "binary":
                bytes[^10] ^= 0xFF;
                break;
            default:
                bytes = bytes[..^1];
                break;
        }
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var (board, damage) = await Sweep.Grains.Views.RankedLeaderboard.ReadVerifiedAsync(store, new LeaderboardQuery("alpha", Top: 2), Ct);
        var counts = Assert.Single((await new LocalDirectorySweepStore(_root.Path).GetSweepCountsAsync("alpha", Ct)).Sweeps);

        var found = Assert.Single(damage);
        Assert.Equal((StoreDamageKind.Result, best.TrialId, path), (found.Kind, found.TrialId, found.Location));
        Assert.Contains(reason, found.Reason);
        Assert.Equal(2, board.Ranked.Count);
        Assert.DoesNotContain(board.Ranked, r => r.TrialId == best.TrialId);
        Assert.Equal([best.TrialId], counts.DamagedTrials);
        var page = await store.GetTrialPageAsync("alpha", 0, null, Ct);
        Assert.Equal(path, Assert.Single(page!.Damage).Location);
        Assert.Equal(best.TrialId, Assert.Single(page.Trials, t => t.Damage is not null).TrialId);
        // The rerun's result replaces it, and the index says so.
        var trial = sweep.Trials.Single(t => t.TrialId == best.TrialId);
        Assert.True(await store.SaveResultAsync(StoreTestData.Result(trial, seed: 7), Ct));
        Assert.Empty(Assert.Single((await new LocalDirectorySweepStore(_root.Path).GetSweepCountsAsync("alpha", Ct)).Sweeps).DamagedTrials);
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    [Fact]
    public async Task AResultVerifiedWithoutDecoding_IsDecodedWhenAReadNeedsIt()
    {
        var sweep = await FinishedHalfAsync();
        var store = new LocalDirectorySweepStore(_root.Path);
        var page = await store.GetTrialPageAsync("alpha", 0, null, Ct);
        Assert.Empty(page!.Damage);

        // The same instance, which has only checked these files' checksums, now needs what they say.
        var statuses = await store.GetTrialStatusesAsync("alpha", Ct);
        var fresh = await new LocalDirectorySweepStore(_root.Path).GetTrialStatusesAsync("alpha", Ct);
        Assert.Equal(fresh.OrderBy(p => p.Key, StringComparer.Ordinal), statuses.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(5, statuses.Values.Count(s => s.Status == TrialStatus.Completed));
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    [Fact]
    public async Task AnIndexWrittenWithTheEarlierSha256Frames_AnswersAndIsRewrittenOnceAsNow()
    {
        var sweep = await FinishedHalfAsync();
        var current = await File.ReadAllBytesAsync(IndexFile, Ct);
        var legacy = new List<byte>();
        for (var offset = 0; offset < current.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(current.AsSpan(offset + 8));
            Assert.Equal("SWI2"u8.ToArray(), current[offset..(offset + 4)]);
            var kindAndPayload = current.AsSpan(offset + 4, 8 + length);
            legacy.AddRange("SWI1"u8.ToArray());
            legacy.AddRange(kindAndPayload.ToArray());
            legacy.AddRange(System.Security.Cryptography.SHA256.HashData(kindAndPayload));
            offset += 12 + length + 8;
        }

        await File.WriteAllBytesAsync(IndexFile, [.. legacy], Ct);

        await AssertAnswersAreTheFilesAsync(sweep);
        var upgraded = await File.ReadAllBytesAsync(IndexFile, Ct);
        Assert.Equal("SWI2"u8.ToArray(), upgraded[..4]);
        var (index, clean) = SweepIndexFile.Decode(upgraded);
        Assert.True(clean);
        Assert.Equal(SweepIndexFile.Decode(current).Index!.Trials, index!.Trials);
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    // The conformance suite's leaderboards run over an index of appended frames (each write appends one), which
    // hold their trials decoded; here the same sweeps are read from rebuilt indexes, pure snapshots, so every
    // answer comes from the records' bytes.
    [Fact]
    public async Task LeaderboardsReadFromASnapshotsBytes_AreTheHeadOfTheWholeBoard()
    {
        await SweepStoreConformanceTests.MixedSweepsAsync(new LocalDirectorySweepStore(_root.Path));
        foreach (var sweepId in new[] { "alpha", "beta" })
        {
            File.Delete(Path.Combine(_root.Path, "sweeps", sweepId, "index.swi"));
        }

        var store = new LocalDirectorySweepStore(_root.Path);
        Assert.Equal(2, (await store.GetSweepCountsAsync(null, Ct)).Sweeps.Count);
        foreach (var sweepId in new[] { "alpha", "beta" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_root.Path, "sweeps", sweepId, "index.swi"), Ct);
            Assert.Equal(bytes.Length, SweepIndexFile.SnapshotLength(bytes));
        }

        await SweepStoreConformanceTests.AssertLeaderboardsAreTheHeadOfTheWholeBoardAsync(store, () => new LocalDirectorySweepStore(_root.Path));
    }

    [Fact]
    public async Task ManyWrites_CompactTheLog_WithoutLosingAny()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 6);
        var store = new LocalDirectorySweepStore(_root.Path);
        await store.CreateSweepAsync(sweep, Ct);
        var snapshot = new FileInfo(IndexFile).Length;
        // Enough appends that the log outgrows twice the snapshot plus its slack (64 KiB) and is rewritten.
        for (var step = 0; step < 800; step++)
        {
            await store.SetTrialStatusAsync(sweep.Trials[step % 5].TrialId, TrialStatus.Running, step, Ct);
        }

        await store.SaveResultAsync(StoreTestData.Result(sweep.Trials[5], seed: 3), Ct);

        Assert.InRange(new FileInfo(IndexFile).Length, snapshot, 2 * snapshot + (64 << 10) + 1024);
        await AssertAnswersAreTheFilesAsync(sweep);
        Assert.Equal((TrialStatus.Running, 799), (await new LocalDirectorySweepStore(_root.Path).GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[4].TrialId]);
    }

    [Fact]
    public async Task ConcurrentWritersOfOneSweep_LoseNoUpdate()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 24);
        await new LocalDirectorySweepStore(_root.Path).CreateSweepAsync(sweep, Ct);
        // Two store instances (as two processes would) writing different trials at once.
        var first = new LocalDirectorySweepStore(_root.Path);
        var second = new LocalDirectorySweepStore(_root.Path);
        await Task.WhenAll(sweep.Trials.Select((t, i) => i % 3 == 0
            ? (i % 2 == 0 ? first : second).SaveResultAsync(StoreTestData.Result(t, seed: i), Ct)
            : (i % 2 == 0 ? first : second).SetTrialStatusAsync(t.TrialId, TrialStatus.Running, i, Ct)));

        Assert.Empty(Directory.EnumerateFiles(PendingDirectory));
        await AssertAnswersAreTheFilesAsync(sweep);
    }

    /// <summary>A sweep of 10 trials: 5 with results, 2 running, the rest untouched.</summary>
    private async Task<SweepDefinition> FinishedHalfAsync()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 10);
        var store = new LocalDirectorySweepStore(_root.Path);
        await store.CreateSweepAsync(sweep, Ct);
        for (var i = 0; i < 5; i++)
        {
            await store.SaveResultAsync(StoreTestData.Result(sweep.Trials[i], seed: i), Ct);
        }

        await store.SetTrialStatusAsync(sweep.Trials[5].TrialId, TrialStatus.Running, 12, Ct);
        await store.SetTrialStatusAsync(sweep.Trials[6].TrialId, TrialStatus.Running, 3, Ct);
        return sweep;
    }

    /// <summary>A fresh store's fast answers (counts, leaderboard, page) equal what every trial's files say.</summary>
    private async Task AssertAnswersAreTheFilesAsync(SweepDefinition sweep)
    {
        var fast = new LocalDirectorySweepStore(_root.Path);
        var slow = new LocalDirectorySweepStore(_root.Path);
        var statuses = await slow.GetTrialStatusesAsync(sweep.SweepId, Ct);
        var results = await slow.GetResultsAsync(sweep.SweepId, Ct);

        var counts = Assert.Single((await fast.GetSweepCountsAsync(sweep.SweepId, Ct)).Sweeps);
        var expected = sweep.Trials.GroupBy(t => statuses[t.TrialId].Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key), counts.Statuses.OrderBy(p => p.Key));
        Assert.Equal(LeaderboardOrder.Apply(results.Select(r => r.Row), new LeaderboardQuery(sweep.SweepId)),
            await fast.QueryLeaderboardAsync(new LeaderboardQuery(sweep.SweepId), Ct));
        var page = await fast.GetTrialPageAsync(sweep.SweepId, 0, null, Ct);
        Assert.Equal(sweep.Trials.Select(t => (t.TrialId, statuses[t.TrialId].Status, statuses[t.TrialId].Steps)),
            page!.Trials.Select(t => (t.TrialId, t.Status, t.Steps)));
    }
}
