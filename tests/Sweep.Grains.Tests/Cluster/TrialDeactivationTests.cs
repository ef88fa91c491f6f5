using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// The runtime deactivates a training trial's grain while its silo lives (as Orleans does to activations whose
/// directory entry lived on a silo that died): the trial must be handed back and resumed at once, ahead of the
/// queue, not after its lease runs out; and an attempt that lost its lease must not keep the trial.
/// </summary>
public sealed class TrialDeactivationTests
{
    [Fact]
    public async Task TrialDeactivatedOnALiveSilo_IsRescheduledAtOnceAtTheFrontOfTheQueue_AndEndsBitForBit()
    {
        // A lease far longer than the test: a trial that waited it out would time the test out.
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, leaseDuration: TimeSpan.FromMinutes(10));
        var sweep = TestSweeps.Create("deactivated", seeds: 1, TestSweeps.Settings(steps: 20000, checkpointEvery: 500));
        // The first trial to train holds at step 5 000 (checkpoints at every 500 before it are written) until its
        // grain stops it: a trial this small would otherwise end before the deactivation lands.
        var held = HoldingTrainer.HoldFirstAt(sweep.SweepId, 5000);
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);

        var victimId = await held.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var victim = (await coordinator.GetTrialsAsync()).Single(t => t.TrialId == victimId);
        Assert.Equal(TrialStatus.Running, victim.Status);
        SweepTestCluster.DeactivateTrialNow(victim.TrialId);

        var resumed = await Eventually.WaitAsync(async () =>
            (await coordinator.GetTrialsAsync()).SingleOrDefault(t => t.TrialId == victim.TrialId && t.Attempts == 2 && t.Status != TrialStatus.Pending),
            TimeSpan.FromSeconds(30), "the deactivated trial is leased again");
        var others = (await coordinator.GetTrialsAsync()).Where(t => t.TrialId != victim.TrialId).ToList();
        Assert.All(others, t => Assert.Equal(0, t.Attempts));
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(120), "the sweep finishes");

        var done = (await coordinator.GetTrialsAsync()).Single(t => t.TrialId == victim.TrialId);
        Assert.Equal(2, done.Attempts);
        Assert.True(done.ResumedFromStep > 0, $"resumed from step {done.ResumedFromStep}");
        foreach (var spec in sweep.Trials)
        {
            await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
        }
    }

    [Fact]
    public async Task ReportsFromAnAttemptThatLostItsLease_AreToldToStop_AndItsHandBackIsIgnored()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1, leaseDuration: TimeSpan.FromMinutes(10));
        var sweep = TestSweeps.Create("stale", seeds: 1, TestSweeps.Settings(steps: 200000, checkpointEvery: 500));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);
        var running = await Eventually.WaitAsync(async () =>
            (await coordinator.GetTrialsAsync()).FirstOrDefault(t => t.Status == TrialStatus.Running && t.Progress is not null),
            TimeSpan.FromSeconds(60), "a trial reports progress");

        var ghost = Guid.NewGuid();
        var reply = await coordinator.ReportProgressAsync(
            new TrialProgressReport(running.TrialId, "ghost-silo", 1, running.TotalSteps, 1, 0.1, 1, 0, ghost));
        await coordinator.ReleaseAsync(running.TrialId, ghost, 0, "a ghost hands it back");

        Assert.Equal(ProgressReply.Superseded, reply);
        var after = (await coordinator.GetTrialsAsync()).Single(t => t.TrialId == running.TrialId);
        Assert.Equal(TrialStatus.Running, after.Status);
        Assert.Equal(1, after.Attempts);
        Assert.Equal(running.Silo, after.Silo);
        await coordinator.CancelAsync();
    }
}
