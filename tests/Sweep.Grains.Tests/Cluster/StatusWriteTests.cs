using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>What a trial writes to the store about its status as it runs.</summary>
public sealed class StatusWriteTests
{
    [Fact]
    public async Task ATrialRecordsItsStepAfterEachCheckpointButTheLast_WhichItsResultRecords()
    {
        var faults = new StoreFaults();
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, faults: faults);
        var sweep = TestSweeps.Create("status-writes", 1, TestSweeps.Settings(300, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(60), "the sweep finishes");

        foreach (var spec in sweep.Trials)
        {
            // Running at the lease (step 0), then after the checkpoints at 100 and 200; the one at 300 is the last,
            // and the result that follows it sets the status and steps.
            Assert.Equal([(TrialStatus.Running, 0), (TrialStatus.Running, 100), (TrialStatus.Running, 200)],
                faults.StatusWrites.Where(w => w.TrialId == spec.TrialId).Select(w => (w.Status, w.Steps)));
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
            // The checkpoint at the last step is not stored: the result made it unneeded.
            Assert.Equal(200, (await cluster.Store.LoadCheckpointAsync(spec.TrialId, TestContext.Current.CancellationToken))!.Step);
        }
        Assert.All(await coordinator.GetTrialsAsync(), t => Assert.Equal((TrialStatus.Completed, 300), (t.Status, t.Step)));
    }

    [Fact]
    public async Task AnEarlyStoppedTrial_DoesNotStoreTheCheckpointWhereItStopped()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        // MinDelta 1 is a gain no accuracy can make: the second evaluation (step 40) stops the run.
        var sweep = TestSweeps.Create("early-stop", 1, TestSweeps.Settings(300, checkpointEvery: 10) with { Patience = 1, MinDelta = 1.0 });
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(60), "the sweep finishes");

        foreach (var spec in sweep.Trials)
        {
            Assert.Equal(40, (await cluster.Store.GetResultAsync(spec.TrialId, TestContext.Current.CancellationToken))!.Row.Steps);
            Assert.Equal(30, (await cluster.Store.LoadCheckpointAsync(spec.TrialId, TestContext.Current.CancellationToken))!.Step);
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }

    [Fact]
    public async Task AResultTheStoreRefuses_HandsTheLeaseBackWithTheLastCheckpoint_AndTheNextAttemptConcludesFromIt()
    {
        var faults = new StoreFaults();
        faults.FailFirst("SaveResultAsync", () => new InvalidOperationException("the result file could not be renamed"));
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, faults: faults);
        var sweep = TestSweeps.Create("refused-result", 1, TestSweeps.Settings(300, checkpointEvery: 100));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(60), "the sweep finishes");

        var trials = await coordinator.GetTrialsAsync();
        Assert.Equal(1, faults.Injected);
        var refused = Assert.Single(trials, t => t.Attempts == 2);
        var writes = faults.StatusWrites.Where(w => w.TrialId == refused.TrialId).Select(w => (w.Status, w.Steps)).ToList();
        // The first attempt: Running at its lease and after its checkpoints at 100 and 200. Then the hand-back at 300:
        // the coordinator records Pending, and so does the trial itself when the coordinator does not answer within
        // its call limit (a loaded machine). Last, the second attempt's lease at 300: it trained nothing and
        // concluded from the checkpoint stored when the first one handed its lease back.
        Assert.Equal([(TrialStatus.Running, 0), (TrialStatus.Running, 100), (TrialStatus.Running, 200)], writes.Take(3));
        Assert.Contains((TrialStatus.Pending, 300), writes);
        Assert.All(writes[3..^1], w => Assert.Equal((TrialStatus.Pending, 300), w));
        Assert.Equal((TrialStatus.Running, 300), writes[^1]);
        Assert.Equal(300, (await cluster.Store.LoadCheckpointAsync(refused.TrialId, TestContext.Current.CancellationToken))!.Step);
        Assert.All(trials, t => Assert.Equal((TrialStatus.Completed, 300), (t.Status, t.Step)));
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }
}
