using System.Net.Sockets;
using Npgsql;
using Sweep.Grains.Contracts;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;

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
        // 57P03 is what a restarting server answers; the outage outlasts the silos' one-second patience twice over.
        var (faults, trials) = await SweepThroughOutageAsync("outage-result", slots: 2, seeds: 2, steps: 300,
            "SaveResultAsync", TimeSpan.FromSeconds(3), () => new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"));

        Assert.True(faults.Injected > 2, $"the outage failed {faults.Injected} store call(s)");
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
    }

    [Fact]
    public async Task StoreDroppingConnectionsAsATrialStarts_TrialIsHandedBackAndRescheduled_NotFailed()
    {
        // What Npgsql throws when the server terminates the connection under a query (pg_terminate_backend, a crash).
        var (faults, trials) = await SweepThroughOutageAsync("outage-start", slots: 1, seeds: 1, steps: 300,
            "LoadCheckpointAsync", TimeSpan.FromSeconds(2.5),
            () => new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer", new SocketException(104))));

        Assert.True(faults.Injected > 0, $"the outage failed {faults.Injected} store call(s)");
        Assert.Contains(trials, t => t.Attempts >= 2);
    }

    [Fact]
    public async Task StoreFailingAsCheckpointsAreWritten_TrainingGoesOnOnTheSameAttempt_AndEndsBitForBit()
    {
        var (faults, trials) = await SweepThroughOutageAsync("outage-checkpoint", slots: 1, seeds: 1, steps: 3000,
            "SaveCheckpointAsync", TimeSpan.FromSeconds(2), () => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));

        Assert.True(faults.Injected > 0, "the outage failed no store call");
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
    }

    /// <summary>
    /// Runs a sweep on one silo whose store goes down at the first <paramref name="trigger"/> call; asserts what
    /// every outage must leave: the sweep finished by itself, every trial completed (none failed), each result
    /// bit-for-bit a straight run's.
    /// </summary>
    private static async Task<(StoreFaults Faults, IReadOnlyList<TrialSnapshot> Trials)> SweepThroughOutageAsync(
        string name, int slots, int seeds, int steps, string trigger, TimeSpan length, Func<Exception> error)
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst(trigger, length, error);
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: slots, faults: faults);
        var sweep = TestSweeps.Create(name, seeds, TestSweeps.Settings(steps, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes after the outage");

        var trials = await coordinator.GetTrialsAsync();
        Assert.True(faults.Started, $"no {trigger} call started the outage");
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
        return (faults, trials);
    }
}
