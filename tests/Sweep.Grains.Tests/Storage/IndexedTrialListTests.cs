using System.Buffers.Binary;
using System.Security.Cryptography;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The index's trials read from the snapshot's bytes answer exactly as the decoded trials do: every field, every
/// status and damage flag, every metric under every filter, positions, and replacements; a snapshot whose checksum
/// holds but whose records do not is refused whole, and an index written with the earlier SHA-256 frames is still
/// read. The leaderboard's top-k selection, which asks for a row only
/// when its value may rank, equals the head of the fully sorted board.
/// </summary>
public sealed class IndexedTrialListTests
{
    private static readonly string[] Datasets = ["mnist", "cifar10", "svhn"];
    private static readonly string[] Architectures = ["dnn", "cnn", "cnn2"];

    [Fact]
    public void TrialsReadFromTheBytes_AreTheTrialsWritten()
    {
        var trials = Trials(300, seed: 1);
        var encoded = Encode(trials);

        // Each accessor is asked of a list that has decoded nothing, so it reads the bytes.
        Assert.Equal(trials.Select(t => t.Status), Enumerable.Range(0, trials.Length).Select(i => Decode(encoded).StatusAt(i)));
        Assert.Equal(trials.Select(t => t.Damage is not null), Enumerable.Range(0, trials.Length).Select(i => Decode(encoded).IsDamagedAt(i)));
        var lazy = Decode(encoded);
        Assert.Equal(trials, Enumerable.Range(0, trials.Length).Select(i => Decode(encoded)[i]));
        Assert.Equal(trials, lazy);
        Assert.Contains(trials, t => t.Error is not null);
        Assert.Contains(trials, t => t.Damage is not null);
        Assert.Contains(trials, t => t.Row is null);
    }

    [Fact]
    public void MetricsReadFromTheBytes_AreTheRowsValues_UnderEveryFilter()
    {
        var trials = Trials(200, seed: 2);
        var encoded = Encode(trials);
        var fresh = Decode(encoded);
        var replaced = Decode(encoded).With(trials.Select((t, i) => KeyValuePair.Create(i, t)));
        var checkedRows = 0;
        foreach (var query in Queries())
        {
            var filter = new IndexedTrialList.RowFilter(query);
            for (var i = 0; i < trials.Length; i++)
            {
                var expected = trials[i].Row is { } row && LeaderboardOrder.Matches(row, query);
                foreach (var list in new[] { fresh, replaced })
                {
                    Assert.Equal(expected, list.TryMetric(i, filter, out var value));
                    if (expected)
                    {
                        Assert.Equal(BitConverter.DoubleToInt64Bits(LeaderboardOrder.Value(trials[i].Row!, query.Metric)), BitConverter.DoubleToInt64Bits(value));
                        checkedRows++;
                    }
                }
            }
        }

        Assert.True(checkedRows > 1000, $"only {checkedRows} matching rows checked");
    }

    [Fact]
    public void Locate_FindsFewAndManyIds_InTheBytesAndAmongReplacements()
    {
        var trials = Trials(120, seed: 3);
        var list = Decode(Encode(trials)).With([KeyValuePair.Create(7, trials[7] with { Steps = 99 })]);

        foreach (var count in new[] { 1, 3, 8, 9, 40 })
        {
            var wanted = trials.Where((_, i) => i % (120 / count) == 0).Take(count).Select(t => t.TrialId).Append("no-such-trial").Append(trials[7].TrialId).ToList();
            var found = list.Locate(wanted);
            Assert.Equal(wanted.Distinct().Where(id => id != "no-such-trial").Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
            Assert.All(found, p => Assert.Equal(p.Key, trials[p.Value].TrialId));
        }

        Assert.Empty(list.Locate([]));
        Assert.Equal(99, list[7].Steps);
        Assert.Equal(trials[7].Steps, Decode(Encode(trials))[7].Steps);
    }

    [Fact]
    public void Replacements_TakeThePlaceOfTheBytes_ForEveryAccessor()
    {
        var trials = Trials(50, seed: 4);
        var encoded = Encode(trials);
        var rowless = trials.Select((t, i) => (t, i)).First(p => p.t.Row is not null && p.t.Damage is null).i;
        var damaged = trials[rowless].WithStatus(TrialStatus.Pending, 3, "damaged: test");
        var list = Decode(encoded).With([KeyValuePair.Create(rowless, damaged)]);

        Assert.Equal(TrialStatus.Pending, list.StatusAt(rowless));
        Assert.True(list.IsDamagedAt(rowless));
        Assert.False(list.TryMetric(rowless, new IndexedTrialList.RowFilter(new LeaderboardQuery()), out _));
        Assert.Equal(damaged, list[rowless]);
        Assert.Equal(trials[rowless], Decode(encoded)[rowless]);
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("unknown status")]
    [InlineData("trailing byte")]
    public void ASnapshotWhoseChecksumHoldsButWhoseRecordsDoNot_IsRefused(string damage)
    {
        var trials = Trials(20, seed: 5);
        var frame = Encode(trials);
        var payload = Payload(frame);
        switch (damage)
        {
            case "cut short":
                payload = payload[..^3];
                break;
            case "unknown status":
                // The last record has a row and no error or damage: its status byte is 54 from its end (status, steps, flags, then the 48-byte row).
                Assert.True(trials[^1] is { Row: not null, Error: null, Damage: null });
                payload[^(48 + 6)] = 200;
                break;
            default:
                payload = [.. payload, 0];
                break;
        }

        Assert.Equal((null, false), SweepIndexFile.Decode(Reframe(payload)));
        Assert.NotNull(SweepIndexFile.Decode(frame).Index);
    }

    [Fact]
    public void BestK_AskingForRowsOnlyWhenTheyMayRank_IsTheHeadOfTheSortedBoard()
    {
        var random = new Random(6);
        for (var round = 0; round < 200; round++)
        {
            var rows = Enumerable.Range(0, random.Next(0, 60)).Select(i => Row($"t{random.Next(1000):D4}.{i}", random)).ToList();
            foreach (var metric in LeaderboardQuery.Metrics)
            {
                var sorted = rows.ToList();
                sorted.Sort(LeaderboardOrder.Comparison(metric));
                var top = random.Next(1, 12);
                var asked = 0;
                var best = LeaderboardOrder.Best(rows.Count, top, metric, (int i, out double value) =>
                {
                    value = LeaderboardOrder.Value(rows[i], metric);
                    return true;
                }, i =>
                {
                    asked++;
                    return rows[i];
                });

                Assert.Equal(sorted.Take(top), best);
                Assert.True(asked <= rows.Count);
            }
        }
    }

    private static IEnumerable<LeaderboardQuery> Queries()
    {
        foreach (var metric in LeaderboardQuery.Metrics)
        {
            foreach (var dataset in new[] { null, "mnist", "svhn", "none" })
            {
                foreach (var architecture in new[] { null, "cnn", "cnn2" })
                {
                    foreach (var pruned in new bool?[] { null, true, false })
                    {
                        yield return new LeaderboardQuery("s", dataset, architecture, metric, Pruned: pruned);
                    }
                }
            }
        }
    }

    /// <summary>Trials of every shape: pending, running, finished with a row (NaN and tied values among them), failed with an error, damaged.</summary>
    private static IndexedTrial[] Trials(int count, int seed)
    {
        var random = new Random(seed);
        var trials = new IndexedTrial[count];
        for (var i = 0; i < count; i++)
        {
            var id = $"s.{Datasets[i % 3]}.{Architectures[(i / 3) % 3]}.f{i % 5}.lr0.00{1 + (i % 4)}.s{i}";
            var trial = new IndexedTrial(id, Datasets[i % 3], Architectures[(i / 3) % 3], i % 5, 0.001 * (1 + (i % 4)), i, TrialStatus.Pending, 0, null, null, null);
            trials[i] = (i == count - 1 ? 0 : i % 6) switch
            {
                0 or 1 or 2 => trial.WithResult(Row(trial, random, i % 9 == 0 ? TrialStatus.Pruned : TrialStatus.Completed), i % 4 == 0 ? $"warning {i}" : null),
                3 => trial.WithStatus(TrialStatus.Running, i, null),
                4 => trial.WithStatus(TrialStatus.Pending, 0, $"checksum mismatch {i}"),
                _ => trial.WithResult(Row(trial, random, TrialStatus.Failed), $"failed: ünïcode error {i}"),
            };
        }

        return trials;
    }

    private static LeaderboardRow Row(IndexedTrial trial, Random random, TrialStatus status) =>
        new(trial.TrialId, "s", trial.Dataset, trial.Architecture, trial.Filters, trial.LearningRate, trial.Seed, status, 100 + trial.Seed,
            Value(random), Value(random), Value(random), Value(random), Value(random), Value(random));

    private static LeaderboardRow Row(string trialId, Random random) =>
        new(trialId, "s", "mnist", "dnn", 0, 0.001, 1, TrialStatus.Completed, 10, Value(random), Value(random), Value(random), Value(random), Value(random), Value(random));

    /// <summary>Mostly distinct values, some tied, some NaN.</summary>
    private static double Value(Random random) => random.Next(10) switch
    {
        0 => double.NaN,
        1 or 2 => 0.5,
        _ => random.NextDouble(),
    };

    private static byte[] Encode(IndexedTrial[] trials) =>
        SweepIndexFile.EncodeSnapshot(new SweepIndex("boot", "s", "hash", "{}", DateTimeOffset.UnixEpoch, 10, 20, trials));

    private static IndexedTrialList Decode(byte[] encoded)
    {
        var (index, clean) = SweepIndexFile.Decode(encoded);
        Assert.True(clean);
        return index!.Trials;
    }

    /// <summary>
    /// A frame around <paramref name="payload"/> with a checksum that holds: as written now ("SWI2", XXH3-64), or as
    /// written before (<paramref name="sha256"/>: "SWI1", SHA-256).
    /// </summary>
    private static byte[] Reframe(byte[] payload, int kind = 1, bool sha256 = false)
    {
        var trailer = sha256 ? 32 : 8;
        var frame = new byte[12 + payload.Length + trailer];
        (sha256 ? "SWI1"u8 : "SWI2"u8).CopyTo(frame);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), kind);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), payload.Length);
        payload.CopyTo(frame, 12);
        var hashed = frame.AsSpan(4, 8 + payload.Length);
        var hash = frame.AsSpan(12 + payload.Length);
        if (sha256)
        {
            SHA256.HashData(hashed, hash);
        }
        else
        {
            System.IO.Hashing.XxHash3.Hash(hashed, hash);
        }

        return frame;
    }

    private static byte[] Payload(byte[] frame) => frame.AsSpan(12, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(8))).ToArray();

    [Fact]
    public void AnIndexWrittenBefore_WithSha256Frames_IsRead_AlsoWithNewFramesAppended()
    {
        var trials = Trials(30, seed: 7);
        var snapshot = Payload(Encode(trials));
        var changed = trials[4].WithStatus(TrialStatus.Running, 17, null);
        var appended = Payload(SweepIndexFile.EncodeTrial(changed));
        var expected = trials.ToArray();
        expected[4] = changed;

        Assert.Equal("SWI2"u8.ToArray(), Encode(trials)[..4]);
        foreach (var (snapshotSha, appendedSha) in new[] { (true, true), (true, false), (false, true) })
        {
            var (index, clean) = SweepIndexFile.Decode([.. Reframe(snapshot, 1, snapshotSha), .. Reframe(appended, 2, appendedSha)]);
            Assert.True(clean);
            Assert.Equal(expected, index!.Trials);
            Assert.Equal(Reframe(snapshot, 1, snapshotSha).Length, SweepIndexFile.SnapshotLength(Reframe(snapshot, 1, snapshotSha)));
        }

        var damaged = Reframe(snapshot, 1, sha256: true);
        damaged[^1] ^= 1;
        Assert.Equal((null, false), SweepIndexFile.Decode(damaged));
    }
}
