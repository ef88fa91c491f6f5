using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Cluster;

public sealed class SiloFailoverTests
{
    [Fact]
    public async Task KilledSilo_TrialResumesFromCheckpointElsewhere_AndEndsBitForBitAsAnUninterruptedRun()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 2, slotsPerSilo: 1);
        await KillSiloMidTrialAsync(cluster, "failover");
    }

    [Fact]
    public async Task KilledSilo_ItsTrialsAreRescheduledWhenTheClusterDeclaresItDead_NotWhenTheirLeasesRunOut()
    {
        // Leases far longer than the test: only the membership's verdict can bring the trial back in time.
        await using var cluster = await SweepTestCluster.StartAsync(silos: 2, slotsPerSilo: 1, leaseDuration: TimeSpan.FromMinutes(10));
        await KillSiloMidTrialAsync(cluster, "declared-dead");
    }

    private static async Task KillSiloMidTrialAsync(SweepTestCluster cluster, string name)
    {
        // Long enough (several seconds per trial) that the probe below, which shares two cores with two training
        // threads, reliably sees the victim's trial in the first half of its run.
        var sweep = TestSweeps.Create(name, seeds: 1, TestSweeps.Settings(steps: 30000, checkpointEvery: 500));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        var secondary = cluster.Cluster.SecondarySilos[0];
        var victim = secondary.SiloAddress.ToString();
        await coordinator.SubmitAsync(sweep);

        var onVictim = await Eventually.WaitAsync(async () =>
        {
            foreach (var t in (await coordinator.GetTrialsAsync()).Where(t => t.Status == TrialStatus.Running && t.Silo == victim))
            {
                if (await cluster.Store.LoadCheckpointAsync(t.TrialId, TestContext.Current.CancellationToken) is { Step: > 0 } checkpoint
                    && checkpoint.Step < t.TotalSteps / 2)
                {
                    return t;
                }
            }
            return null;
        }, TimeSpan.FromSeconds(60), "a trial on the secondary silo writes a checkpoint");
        await cluster.Cluster.KillSiloAsync(secondary, TestContext.Current.CancellationToken);
        await Eventually.WaitThroughSiloLossAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes on the surviving silo");

        var resumed = (await coordinator.GetTrialsAsync()).Single(t => t.TrialId == onVictim.TrialId);
        Assert.Equal(TrialStatus.Completed, resumed.Status);
        Assert.NotEqual(victim, resumed.Silo);
        Assert.True(resumed.ResumedFromStep > 0, $"resumed from step {resumed.ResumedFromStep}");

        await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, sweep.Trials.Single(t => t.TrialId == onVictim.TrialId));
    }
}
