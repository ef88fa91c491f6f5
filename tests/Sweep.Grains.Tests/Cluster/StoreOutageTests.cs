using System.Net.Sockets;
using Npgsql;
using Sweep.Grains.Contracts;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// The store goes away mid-sweep for longer than a silo's patience, as PostgreSQL does when it restarts: no trial
/// may be recorded failed for it, none may run twice, and every result is the one an undisturbed run gives.
/// </summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task StoreRestartingAsResultsAreSaved_OutcomesAreRetriedUntilRecorded_NotFailed()
    {
        var faults = new StoreFaults();
        // 57P03 is what a restarting server answers; the outage outlasts the silos' one-second patience twice over.
        faults.OutageOnFirst("SaveResultAsync", TimeSpan.FromSeconds(3),
            () => new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"));
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 2, faults: faults);
        var sweep = TestSweeps.Create("outage-result", seeds: 2, TestSweeps.Settings(steps: 300, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes after the outage");

        Assert.True(faults.Injected > 2, $"the outage failed {faults.Injected} store call(s)");
        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }

    [Fact]
    public async Task StoreDroppingConnectionsAsATrialStarts_TrialIsHandedBackAndRescheduled_NotFailed()
    {
        var faults = new StoreFaults();
        // What Npgsql throws when the server terminates the connection under a query (pg_terminate_backend, a crash).
        faults.OutageOnFirst("LoadCheckpointAsync", TimeSpan.FromSeconds(2.5),
            () => new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer", new SocketException(104))));
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, faults: faults);
        var sweep = TestSweeps.Create("outage-start", seeds: 1, TestSweeps.Settings(steps: 300, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes after the outage");

        Assert.True(faults.Started && faults.Injected > 0, $"the outage failed {faults.Injected} store call(s)");
        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Contains(trials, t => t.Attempts >= 2);
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }

    [Fact]
    public async Task StoreFailingAsCheckpointsAreWritten_TrainingGoesOnOnTheSameAttempt_AndEndsBitForBit()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("SaveCheckpointAsync", TimeSpan.FromSeconds(2),
            () => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, faults: faults);
        var sweep = TestSweeps.Create("outage-checkpoint", seeds: 1, TestSweeps.Settings(steps: 3000, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes after the outage");

        Assert.True(faults.Injected > 0, "the outage failed no store call");
        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }
}
