using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Cluster;

public sealed class SiloJoinTests
{
    [Fact]
    public async Task ASiloThatJoinsMidSweep_StartsPullingTrials()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        var sweep = TestSweeps.Create("join", seeds: 4, TestSweeps.Settings(steps: 6000, checkpointEvery: 500));
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).Running > 0, TimeSpan.FromSeconds(60), "the first silo starts a trial");

        var joined = await cluster.Cluster.StartAdditionalSiloAsync();
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes");

        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Contains(trials, t => t.Silo == joined.SiloAddress.ToString());
    }
}
