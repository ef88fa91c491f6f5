using System.Buffers.Binary;
using System.Globalization;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// A damaged newest checkpoint file of the local store, damaged in each way a crash, a full disk or a bad sector
/// can leave it, is rejected before its payload is used, and loading falls back to the older checkpoint, whose bytes
/// come back exactly.
/// </summary>
public sealed class CheckpointFileDamageTests : IDisposable
{
    private const int HeaderAndHashBytes = 24 + 32;
    private readonly TemporaryDirectory _root = new("sweep-checkpoint-damage");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    public static TheoryData<string> Damages => ["empty", "inside header", "one byte short", "one byte extra", "payload byte flipped", "header step changed", "length field huge", "length field negative"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task DamagedNewestCheckpoint_IsRejectedAndTheOlderOneLoads(string damage)
    {
        var store = new LocalDirectorySweepStore(_root.Path);
        var sweep = StoreTestData.Sweep("damage", trials: 1);
        await store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0].TrialId;
        var older = Payload(1, 70_000);
        await store.SaveCheckpointAsync(trial, 100, older, Ct);
        await store.SaveCheckpointAsync(trial, 200, Payload(2, 70_000), Ct);
        var path = Path.Combine(_root.Path, "trials", trial, string.Create(CultureInfo.InvariantCulture, $"checkpoint-{200:D10}.swf"));
        var bytes = await File.ReadAllBytesAsync(path, Ct);

        byte[] damaged = damage switch
        {
            "empty" => [],
            "inside header" => bytes[..30],
            "one byte short" => bytes[..^1],
            "one byte extra" => [.. bytes, 0],
            "payload byte flipped" => Flipped(bytes, HeaderAndHashBytes + 12_345),
            "header step changed" => Flipped(bytes, 4),
            "length field huge" => WithLength(bytes, long.MaxValue),
            "length field negative" => WithLength(bytes, -1),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage"),
        };
        await File.WriteAllBytesAsync(path, damaged, Ct);

        var loaded = await new LocalDirectorySweepStore(_root.Path).LoadCheckpointAsync(trial, Ct);

        Assert.NotNull(loaded);
        Assert.Equal(100, loaded.Step);
        Assert.True(older.AsSpan().SequenceEqual(loaded.Data), "the older checkpoint's bytes differ");
    }

    [Fact]
    public async Task IntactCheckpoint_LoadsItsExactBytes_WhateverItsSize()
    {
        var store = new LocalDirectorySweepStore(_root.Path);
        var sweep = StoreTestData.Sweep("sizes", trials: 1);
        await store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0].TrialId;
        // Empty, smaller than a read buffer, and larger than several (the payload is read in more than one call).
        foreach (var (step, size) in new[] { (1, 0), (2, 1), (3, 4095), (4, 3 << 20) })
        {
            var data = Payload(step, size);
            await store.SaveCheckpointAsync(trial, step, data, Ct);

            var loaded = await new LocalDirectorySweepStore(_root.Path).LoadCheckpointAsync(trial, Ct);

            Assert.NotNull(loaded);
            Assert.Equal(step, loaded.Step);
            Assert.Equal(size, loaded.Data.Length);
            Assert.True(data.AsSpan().SequenceEqual(loaded.Data), $"checkpoint of {size} bytes differs");
        }
    }

    private static byte[] Payload(int seed, int size)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static byte[] Flipped(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] WithLength(byte[] bytes, long length)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(16), length);
        return copy;
    }
}
