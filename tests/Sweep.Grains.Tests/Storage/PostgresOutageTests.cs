using Npgsql;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The store a silo and the CLI use (PostgreSQL behind <see cref="RetryingSweepStore"/>) through real outages of a
/// real server of its own (restarting one shared with other tests would fail theirs): a crash restart, and its
/// connections terminated again and again. Every call must succeed, and a result is recorded exactly once.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PostgresServer _server = PostgresServer.Durable();
    private readonly List<string> _reports = [];
    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        _connectionString = await _server.CreateMigratedDatabaseAsync(Ct);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ServerRestartedInImmediateMode_MidWrites_EveryCallSucceeds_AndTheResultIsRecordedOnce()
    {
        await using var store = Open();
        var sweep = StoreTestData.Sweep("restart");
        var trial = sweep.Trials[0];
        await store.CreateSweepAsync(sweep, Ct);
        var written = 0;
        using var stop = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            var bytes = new byte[64 * 1024];
            while (!stop.IsCancellationRequested)
            {
                var step = written + 1;
                await store.SaveCheckpointAsync(trial.TrialId, step, bytes, Ct);
                await store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, step, Ct);
                Volatile.Write(ref written, step);
            }
        }, Ct);

        await WaitForAsync(() => Volatile.Read(ref written) >= 5, writes);
        await _server.RestartImmediatelyAsync();
        var afterRestart = Volatile.Read(ref written);
        await WaitForAsync(() => Volatile.Read(ref written) >= afterRestart + 5, writes);
        await stop.CancelAsync();
        await writes;
        var result = StoreTestData.Result(trial, seed: 1);
        var first = await store.SaveResultAsync(result, Ct);
        await _server.RestartImmediatelyAsync();
        var again = await store.SaveResultAsync(result, Ct);

        Assert.True(first);
        Assert.False(again);
        StoreTestData.AssertSame(result, await store.GetResultAsync(trial.TrialId, Ct));
        Assert.Equal(written, (await store.LoadCheckpointAsync(trial.TrialId, Ct))!.Step);
        Assert.Contains(_reports, r => r.Contains("is not answering", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionsTerminatedRepeatedly_EveryCallSucceeds()
    {
        await using var store = Open();
        var sweep = StoreTestData.Sweep("terminated");
        await store.CreateSweepAsync(sweep, Ct);
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;
        using var stop = new CancellationTokenSource();
        var terminated = 0;
        var killer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                terminated += await _server.TerminateConnectionsAsync(database, Ct);
                await Task.Delay(100, Ct);
            }
        }, Ct);

        for (var i = 0; i < 200 || terminated < 3; i++)
        {
            Assert.True(i < 5000, $"only {terminated} connection(s) terminated in 5000 calls");
            var trial = sweep.Trials[i % sweep.Trials.Length];
            await store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, i, Ct);
            Assert.Equal((TrialStatus.Running, i), (await store.GetTrialStatusesAsync(sweep.SweepId, Ct))[trial.TrialId]);
        }
        await stop.CancelAsync();
        await killer;
        Assert.True(terminated >= 3, $"{terminated} connection(s) terminated");
    }

    private RetryingSweepStore Open() => new(
        new PostgresSweepStore(_connectionString), PostgresTransience.IsTransient, PostgresTransience.Describe,
        new StoreRetryPolicy { Patience = TimeSpan.FromSeconds(60), FirstDelay = TimeSpan.FromMilliseconds(50), QuietFor = TimeSpan.Zero, Report = r => { lock (_reports) { _reports.Add(r); } } },
        "PostgreSQL");

    /// <summary>Polls until the condition holds, failing at once if the writer failed (never a fixed sleep).</summary>
    private static async Task WaitForAsync(Func<bool> condition, Task writer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (writer.IsCompleted)
            {
                await writer;
                throw new InvalidOperationException("The writer stopped early.");
            }
            Assert.True(DateTime.UtcNow < deadline, "the writes did not progress within 60 s");
            await Task.Delay(20, Ct);
        }
    }
}
