using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>The queue starts the costliest trials first, and a trial alone on a silo trains on all its cores.</summary>
public sealed class SchedulingClusterTests
{
    [Fact]
    public async Task TheCostliestTrial_IsLeasedFirst_GridOrderAmongEquals()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        // Grid order: dnn seeds 1–2, then cnn seeds 1–2; the cnn (a conv layer before the same dense one) costs more.
        var sweep = TestSweeps.Create("longest-first", seeds: 2, TestSweeps.Settings(steps: 20000, checkpointEvery: 0));
        var held = HoldingTrainer.HoldFirstAt(sweep.SweepId, 100);
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);

        var first = await held.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(sweep.Trials.Single(t => t.Architecture == "cnn" && t.Seed == 1).TrialId, first);
        var trials = await coordinator.GetTrialsAsync();
        Assert.Equal([first], trials.Where(t => t.Attempts > 0).Select(t => t.TrialId));
        await coordinator.CancelAsync();
    }

    [Fact]
    public async Task ATrialAloneOnASilo_TrainsOnAllItsCores_AndEndsBitForBit()
    {
        // Two slots, so two cores for this silo's trials; one trial, so one slot stays idle and lends its core.
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 2);
        var both = TestSweeps.Create("alone", seeds: 1, TestSweeps.Settings(steps: 3000, checkpointEvery: 1000));
        var sweep = both with { Trials = [both.Trials.Single(t => t.Architecture == "cnn")] };
        var held = HoldingTrainer.HoldFirstAt(sweep.SweepId, 1500);
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);

        var trialId = await held.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var shares = Assert.IsType<InProcessSiloHandle>(cluster.Cluster.Primary).SiloHost.Services.GetRequiredService<CoreShares>();
        Assert.Equal([(trialId, 2)], shares.Snapshot());

        // Held until its attempt is stopped: stop it the way a dying silo's deactivation does, and let it resume.
        SweepTestCluster.DeactivateTrialNow(trialId);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(120), "the sweep finishes");
        Assert.Empty(shares.Snapshot());
        var done = (await coordinator.GetTrialsAsync()).Single();
        Assert.Equal(TrialStatus.Completed, done.Status);
        await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, sweep.Trials[0]);
    }
}
