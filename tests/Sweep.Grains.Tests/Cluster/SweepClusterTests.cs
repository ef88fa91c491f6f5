using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SweepClusterTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private SweepTestCluster Cluster => fixture.Sweep;

    [Fact]
    public async Task Sweep_CompletesWithEveryResultRecorded_OnMoreThanOneSilo()
    {
        // Each trial must outlast a slot's idle poll (500 ms); with trials of a few milliseconds the first slot to
        // poll could drain the sweep alone, and the multi-silo assertion would measure timing, not placement.
        var sweep = TestSweeps.Create("basic", seeds: 4, TestSweeps.Settings(steps: 5000, checkpointEvery: 1000));
        var coordinator = Cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        var outcome = await coordinator.SubmitAsync(sweep);
        await WaitFinishedAsync(coordinator);

        Assert.Null(outcome.Error);
        Assert.False(outcome.AlreadyExisted);
        foreach (var spec in sweep.Trials)
        {
            var result = await Cluster.Store.GetResultAsync(spec.TrialId, TestContext.Current.CancellationToken);
            Assert.NotNull(result);
            Assert.Equal(TrialStatus.Completed, result.Row.Status);
            Assert.Equal(spec.Training.Steps, result.Row.Steps);
            Assert.NotNull(result.Test);
        }
        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.NotNull(t.Silo));
        Assert.True(trials.Select(t => t.Silo).Distinct().Count() >= 2, "trials ran on one silo only: " + string.Join(", ", trials.Select(t => t.Silo)));
        Assert.NotNull(await Cluster.Store.GetStudyAsync(sweep.SweepId, TestContext.Current.CancellationToken));
        Assert.DoesNotContain(sweep.SweepId, await Cluster.Grains.GetGrain<ISweepRegistryGrain>(0).GetActiveAsync());
    }

    [Fact]
    public async Task Trials_RunOnTheSiloWhoseSlotLeasedThem()
    {
        var sweep = TestSweeps.Create("placement", seeds: 3, TestSweeps.Settings(steps: 40, checkpointEvery: 20));
        var coordinator = await RunToEndAsync(sweep);

        var silos = Cluster.Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToString()).ToHashSet();
        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Contains(t.Silo!, silos));
        Assert.All(trials, t => Assert.Equal(t.LeasedTo, t.Silo));
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
    }

    [Fact]
    public async Task Resubmission_ReturnsTheExistingSweepAndRerunsNothing()
    {
        var sweep = TestSweeps.Create("resubmit", seeds: 2, TestSweeps.Settings(steps: 40, checkpointEvery: 20));
        var coordinator = await RunToEndAsync(sweep);
        var before = await coordinator.GetTrialsAsync();
        var resultsBefore = await Cluster.Store.QueryLeaderboardAsync(new(SweepId: sweep.SweepId), TestContext.Current.CancellationToken);

        var again = await coordinator.SubmitAsync(sweep with { CreatedAt = DateTimeOffset.UtcNow.AddMinutes(1) });

        Assert.Null(again.Error);
        Assert.True(again.AlreadyExisted);
        Assert.Equal(sweep.Trials.Length, again.Finished);
        Assert.True((await coordinator.GetSummaryAsync()).IsFinished);
        Assert.Equal(before.Select(t => t.Attempts), (await coordinator.GetTrialsAsync()).Select(t => t.Attempts));
        Assert.Equal(resultsBefore, await Cluster.Store.QueryLeaderboardAsync(new(SweepId: sweep.SweepId), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AGridStoredBeforeAutoCheckpoints_ResubmittedWithAuto_IsTheSameSweep()
    {
        var former = TestSweeps.Create("former", seeds: 1, TestSweeps.Settings(steps: 20, checkpointEvery: 500));
        var coordinator = await RunToEndAsync(former);
        var auto = TestSweeps.Create("former", seeds: 1, TestSweeps.Settings(steps: 20, checkpointEvery: TrainingSettings.AutoCheckpointEvery), gridVersion: "auto")
            with { GridHashBeforeAutoCheckpoints = former.GridHash };

        var outcome = await coordinator.SubmitAsync(auto);

        Assert.Null(outcome.Error);
        Assert.True(outcome.AlreadyExisted);
        Assert.Equal(former.Trials.Length, outcome.Finished);
        Assert.Equal(former.GridHash, (await Cluster.Store.GetSweepAsync("former", TestContext.Current.CancellationToken))!.GridHash);
    }

    [Fact]
    public async Task SameNameWithADifferentGrid_IsRefusedWithAClearError()
    {
        var first = TestSweeps.Create("conflict", seeds: 1, TestSweeps.Settings(steps: 20, checkpointEvery: 10));
        var coordinator = Cluster.Grains.GetGrain<ISweepGrain>(first.SweepId);
        await coordinator.SubmitAsync(first);

        var outcome = await coordinator.SubmitAsync(TestSweeps.Create("conflict", seeds: 1, TestSweeps.Settings(steps: 20, checkpointEvery: 10), gridVersion: "v2"));

        Assert.NotNull(outcome.Error);
        Assert.Contains("conflict", outcome.Error);
        Assert.Contains("different grid", outcome.Error);
        Assert.Equal(first.GridHash, (await Cluster.Store.GetSweepAsync("conflict", TestContext.Current.CancellationToken))!.GridHash);
    }

    [Fact]
    public async Task Cancel_StopsRunningTrialsAndCancelsPendingOnes()
    {
        var sweep = TestSweeps.Create("cancel", seeds: 6, TestSweeps.Settings(steps: 1_000_000, checkpointEvery: 1000));
        var coordinator = Cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).RunningTrials.Any(p => p.Step > 0), Deadline, "a trial makes progress");

        await coordinator.CancelAsync();
        await WaitFinishedAsync(coordinator);

        var trials = await coordinator.GetTrialsAsync();
        Assert.All(trials, t => Assert.Equal(TrialStatus.Cancelled, t.Status));
        foreach (var spec in sweep.Trials)
        {
            var result = await Cluster.Store.GetResultAsync(spec.TrialId, TestContext.Current.CancellationToken);
            Assert.Equal(TrialStatus.Cancelled, result!.Row.Status);
            Assert.True(result.Row.Steps < spec.Training.Steps);
        }
        Assert.Null(await coordinator.LeaseAsync("any-silo"));
    }

    [Fact]
    public async Task ATrialThatThrows_EndsFailedWithItsMessage_AndTheRestOfTheSweepCompletes()
    {
        var good = TestSweeps.Create("failing", seeds: 1, TestSweeps.Settings(steps: 20, checkpointEvery: 10));
        var missing = Path.Combine(Cluster.StoreDirectory, "no-such-dataset");
        var broken = good.Trials[0] with { Dataset = new DatasetRef("files", DatasetKind.Files, Sweep.Model.Data.DatasetFormat.Mnist, missing) };
        var sweep = good with { Trials = good.Trials.SetItem(0, broken) };
        var coordinator = await RunToEndAsync(sweep);

        var trials = (await coordinator.GetTrialsAsync()).ToDictionary(t => t.TrialId);
        Assert.Equal(TrialStatus.Failed, trials[broken.TrialId].Status);
        Assert.Contains(missing, trials[broken.TrialId].Error);
        var stored = await Cluster.Store.GetResultAsync(broken.TrialId, TestContext.Current.CancellationToken);
        Assert.Equal(TrialStatus.Failed, stored!.Row.Status);
        // The reason is kept with the result, not only in the coordinator's memory.
        Assert.Equal(trials[broken.TrialId].Error, stored.Error);
        Assert.Null((await Cluster.Store.GetResultAsync(sweep.Trials[1].TrialId, TestContext.Current.CancellationToken))!.Error);
        Assert.Equal(TrialStatus.Completed, trials[sweep.Trials[1].TrialId].Status);
        Assert.Equal(2, Cluster.Cluster.GetActiveSilos().Count());
    }

    [Fact]
    public async Task ADivergingTrial_EndsDiverged_WithoutDisturbingTheOthers()
    {
        var baseline = TestSweeps.Create("diverging", seeds: 1, TestSweeps.Settings(steps: 200, checkpointEvery: 50));
        var exploding = baseline.Trials[0] with
        {
            LearningRate = 1e30,
            Training = baseline.Trials[0].Training with { Optimizer = Sweep.Model.Training.OptimizerKind.Sgd },
        };
        var sweep = baseline with { Trials = baseline.Trials.SetItem(0, exploding) };
        var coordinator = await RunToEndAsync(sweep);

        var trials = (await coordinator.GetTrialsAsync()).ToDictionary(t => t.TrialId);
        Assert.Equal(TrialStatus.Diverged, trials[exploding.TrialId].Status);
        Assert.Equal(TrialStatus.Completed, trials[sweep.Trials[1].TrialId].Status);
        var row = (await Cluster.Store.GetResultAsync(exploding.TrialId, TestContext.Current.CancellationToken))!.Row;
        Assert.Equal(TrialStatus.Diverged, row.Status);
        Assert.True(row.Steps < exploding.Training.Steps, $"diverged at step {row.Steps}");
    }

    /// <summary>Submits the sweep and waits until it has finished; its coordinator.</summary>
    private async Task<ISweepGrain> RunToEndAsync(SweepDefinition sweep)
    {
        var coordinator = Cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        await coordinator.SubmitAsync(sweep);
        await WaitFinishedAsync(coordinator);
        return coordinator;
    }

    private static Task WaitFinishedAsync(ISweepGrain coordinator) =>
        Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, Deadline, "the sweep finishes");
}
