using System.Diagnostics;
using System.Globalization;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// Checkpoints of realistic sizes round-trip on both backends. The largest is the biggest preset, cnn(32) on
/// 3×32×32: 32·32·32·128 ≈ 4.2 M dense weights, times three (weights and two ADAM moments) as float32 ≈ 50 MB.
/// Write and load times are printed (test output) for the record, never asserted.
/// </summary>
public sealed class LargeCheckpointTests(PostgresServer server) : IAsyncLifetime
{
    private const int Repetitions = 2;
    private readonly TemporaryDirectory _root = new("sweep-large");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("postgres", 2 << 20)]
    [InlineData("postgres", 16 << 20)]
    [InlineData("postgres", 3 * 4 * 32 * 32 * 32 * 128)]
    [InlineData("local", 2 << 20)]
    [InlineData("local", 16 << 20)]
    [InlineData("local", 3 * 4 * 32 * 32 * 32 * 128)]
    public async Task LargeCheckpoint_RoundTripsAndReportsItsWriteTime(string backend, int bytes)
    {
        ISweepStore store = backend == "postgres"
            ? new PostgresSweepStore(await server.CreateMigratedDatabaseAsync(Ct))
            : new LocalDirectorySweepStore(_root.Path);
        try
        {
            var sweep = StoreTestData.Sweep("large", trials: 1);
            await store.CreateSweepAsync(sweep, Ct);
            var trial = sweep.Trials[0].TrialId;
            var data = new byte[bytes];
            new Random(bytes).NextBytes(data);

            var writes = new List<double>();
            var loads = new List<double>();
            StoredCheckpoint? loaded = null;
            for (var step = 1; step <= Repetitions; step++)
            {
                var watch = Stopwatch.StartNew();
                await store.SaveCheckpointAsync(trial, step, data, Ct);
                writes.Add(watch.Elapsed.TotalSeconds);
                watch.Restart();
                loaded = await store.LoadCheckpointAsync(trial, Ct);
                loads.Add(watch.Elapsed.TotalSeconds);
            }

            Assert.NotNull(loaded);
            Assert.Equal(Repetitions, loaded.Step);
            Assert.True(data.AsSpan().SequenceEqual(loaded.Data), "checkpoint bytes differ");
            var line = string.Create(CultureInfo.InvariantCulture,
                $"checkpoint {backend} {bytes / 1048576.0:F1} MiB over {Repetitions} runs: write {writes.Min() * 1000:F0}–{writes.Max() * 1000:F0} ms, load {loads.Min() * 1000:F0}–{loads.Max() * 1000:F0} ms");
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            TestContext.Current.SendDiagnosticMessage(line);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
