using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// ASHA sweeps on a real TestCluster, with a silo killed mid-sweep: no trial lost, every recorded decision one the
/// algorithm allows from its recorded standings, synchronous pruning identical to an undisturbed run's, promoted
/// trials bit-for-bit as runs trained straight through, pruned ones as runs stopped at their rung.
/// <para>
/// They train hard on both cores (two silos, plus the straight-run references on the test thread), so they run alone:
/// beside them, the timing-sensitive cluster tests (a trial handed back within the coordinator call limit) starve.
/// </para>
/// </summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AshaClusterTests
{
    public const string Name = "asha cluster (alone)";

    // Rungs at 200 and 600 steps of 1800: 12 configurations, a third promoted at each rung (4, then 1 when synchronous).
    private static readonly AshaSettings Asha = new(AshaSettings.DevAccuracy, 200, 1800, 3, Synchronous: false);

    private static SweepDefinition Grid(string name, bool synchronous) => GridCompiler.Compile($$"""
        {
          "name": "{{name}}",
          "datasets": [{ "name": "gauss", "synthetic": "gaussian", "trainSize": 400, "testSize": 100, "imageSize": 12, "seed": 7 }],
          "architectures": ["dnn", "cnn"],
          "filters": [2],
          "learningRates": [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03],
          "seeds": [1],
          "training": { "batchSize": 64, "evalEvery": 100, "devSize": 50, "checkpointEvery": 300 },
          "search": { "asha": { "minSteps": {{Asha.MinSteps}}, "maxSteps": {{Asha.MaxSteps}}, "reductionFactor": {{Asha.ReductionFactor}}, "synchronous": {{(synchronous ? "true" : "false")}} } }
        }
        """, Path.Combine(Path.GetTempPath(), name + ".json"));

    [Fact]
    public async Task AsynchronousSweep_WithASiloKilled_LosesNoTrial_AndEveryDecisionIsAllowedByItsStandings()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 2, slotsPerSilo: 1);
        var sweep = Grid("asha-async-kill", synchronous: false);
        Assert.Equal(12, sweep.Trials.Length);
        await RunKillingASiloAsync(cluster, sweep);

        var rungs = await cluster.Store.GetRungsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        var results = await cluster.Store.GetResultsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        Assert.Equal(sweep.Trials.Select(t => t.TrialId).Order(StringComparer.Ordinal), results.Select(r => r.Row.TrialId).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.True(r.Row.Status is TrialStatus.Completed or TrialStatus.Pruned, $"{r.Row.TrialId} ended {r.Row.Status}"));
        AssertDecisionsAllowed(rungs, synchronous: false);
        // Each trial has one decision per rung it reached, and a trial is pruned exactly where its last decision says.
        Assert.Equal(rungs.Count, rungs.Select(c => (c.TrialId, c.Rung)).Distinct().Count());
        foreach (var result in results)
        {
            var own = rungs.Where(c => c.TrialId == result.Row.TrialId).OrderBy(c => c.Rung).ToList();
            if (result.Row.Status == TrialStatus.Pruned)
            {
                Assert.Equal(RungVerdict.Prune, own[^1].Verdict);
                Assert.All(own.SkipLast(1), c => Assert.Equal(RungVerdict.Continue, c.Verdict));
                Assert.Equal(own[^1].Step, result.Row.Steps);
            }
            else
            {
                Assert.Equal(Asha.Rungs().Count, own.Count);
                Assert.All(own, c => Assert.Equal(RungVerdict.Continue, c.Verdict));
                Assert.Equal(Asha.MaxSteps, result.Row.Steps);
            }
        }
        Assert.Contains(results, r => r.Row.Status == TrialStatus.Completed);
        Assert.Contains(results, r => r.Row.Status == TrialStatus.Pruned);

        await AssertResultsBitForBitAsync(cluster, sweep, results);
        // The metrics the decisions ranked are those of the trials trained straight through: nothing timing-dependent.
        foreach (var group in rungs.GroupBy(c => c.TrialId))
        {
            var spec = sweep.Trials.Single(t => t.TrialId == group.Key);
            var expected = StraightRun.DevAccuracyAt(cluster, spec, [.. group.OrderBy(c => c.Rung).Select(c => c.Step)]);
            Assert.Equal(expected, group.OrderBy(c => c.Rung).Select(c => c.Metric));
        }
    }

    [Fact]
    public async Task SynchronousSweep_WithASiloKilled_PrunesExactlyWhatAnUndisturbedRunPrunes()
    {
        await using var cluster = await SweepTestCluster.StartAsync(silos: 2, slotsPerSilo: 1);
        var sweep = Grid("asha-sync-kill", synchronous: true);
        var expected = UndisturbedDecisions(cluster, sweep);
        await RunKillingASiloAsync(cluster, sweep);

        var rungs = await cluster.Store.GetRungsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        AssertDecisionsAllowed(rungs, synchronous: true);
        AssertSameDecisions(expected, rungs);
        var results = await cluster.Store.GetResultsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        Assert.Equal(sweep.Trials.Length, results.Count);
        await AssertResultsBitForBitAsync(cluster, sweep, results);
    }

    [Fact]
    public async Task SynchronousSweep_StoppedAndResubmittedOnANewCluster_ContinuesToTheSameDecisions()
    {
        var sweep = Grid("asha-sync-resubmit", synchronous: true);
        var store = Path.Combine(Path.GetTempPath(), "sweep-cluster-" + Guid.NewGuid().ToString("N"));
        try
        {
            await StopAndResubmitAsync(sweep, store);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static async Task StopAndResubmitAsync(SweepDefinition sweep, string store)
    {
        IReadOnlyList<RungCall> before;
        IReadOnlyList<(string TrialId, int Rung, RungVerdict Verdict)> expected;
        await using (var first = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 2, storeDirectory: store))
        {
            expected = UndisturbedDecisions(first, sweep);
            var coordinator = first.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
            await coordinator.SubmitAsync(sweep);
            // Stop once the first rung has closed: trials are paused, promoted and pruned, the sweep far from done.
            before = await Eventually.WaitAsync(async () =>
            {
                var calls = await first.Store.GetRungsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
                return calls.Any(c => c.Verdict != RungVerdict.Pause) ? calls : null;
            }, TimeSpan.FromSeconds(120), "the first rung closes");
            Assert.False((await coordinator.GetSummaryAsync()).IsFinished, "the sweep ended before the cluster was stopped; make its trials longer");
        }
        await using var second = await SweepTestCluster.StartAsync(silos: 1, slotsPerSilo: 2, storeDirectory: store);
        var resumed = second.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        var outcome = await resumed.SubmitAsync(sweep);
        Assert.True(outcome.AlreadyExisted);
        await Eventually.WaitAsync(async () => (await resumed.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(180), "the resubmitted sweep finishes");

        var after = await second.Store.GetRungsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        AssertSameDecisions(expected, after);
        // Final decisions made before the stop stand as they were recorded.
        foreach (var call in before.Where(c => c.Verdict != RungVerdict.Pause))
        {
            var now = after.Single(c => c.TrialId == call.TrialId && c.Rung == call.Rung);
            Assert.Equal(call.Verdict, now.Verdict);
            Assert.Equal(call.Standings, now.Standings);
        }
        var results = await second.Store.GetResultsAsync(sweep.SweepId, TestContext.Current.CancellationToken);
        Assert.Equal(sweep.Trials.Length, results.Count);
        await AssertResultsBitForBitAsync(second, sweep, results);
    }

    /// <summary>Submits, kills the secondary silo while it trains a trial and some rung has decided, and waits for the end.</summary>
    private static async Task RunKillingASiloAsync(SweepTestCluster cluster, SweepDefinition sweep)
    {
        var coordinator = cluster.Grains.GetGrain<ISweepGrain>(sweep.SweepId);
        var secondary = cluster.Cluster.SecondarySilos[0];
        var victim = secondary.SiloAddress.ToString();
        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () =>
            (await cluster.Store.GetRungsAsync(sweep.SweepId, TestContext.Current.CancellationToken)).Count > 0
            && (await coordinator.GetTrialsAsync()).Any(t => t.Status == TrialStatus.Running && t.Silo == victim),
            TimeSpan.FromSeconds(120), "a rung decision is recorded while the secondary silo trains a trial");
        Assert.False((await coordinator.GetSummaryAsync()).IsFinished, "the sweep ended before the kill; make its trials longer");
        await cluster.Cluster.KillSiloAsync(secondary, TestContext.Current.CancellationToken);
        await Eventually.WaitThroughSiloLossAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(180), "the sweep finishes on the surviving silo");
    }

    /// <summary>Every decision is what halving allows from the standings it records, with the rung's allowance.</summary>
    private static void AssertDecisionsAllowed(IReadOnlyList<RungCall> rungs, bool synchronous)
    {
        Assert.NotEmpty(rungs);
        foreach (var call in rungs)
        {
            Assert.Equal(SuccessiveHalving.Standings(call.Standings), call.Standings);
            Assert.Contains(call.Standings, s => s.TrialId == call.TrialId && s.Metric.Equals(call.Metric));
            Assert.Equal(Math.Max(1, call.Standings.Length / Asha.ReductionFactor), call.Promotable);
            Assert.Equal(Asha.Rungs()[call.Rung], call.Step);
            Assert.True(SuccessiveHalving.Allows(call.Standings, call.Promotable, call.TrialId, call.Verdict),
                $"{call.TrialId} at rung {call.Rung}: {call.Verdict} with rank {SuccessiveHalving.Rank(call.Standings, call.TrialId)} of {call.Standings.Length}, {call.Promotable} promotable");
            // Nothing is left waiting at the end of a sweep.
            Assert.NotEqual(RungVerdict.Pause, call.Verdict);
        }
        if (synchronous)
        {
            // A closed synchronous rung ranks everyone who reached it, in every decision it made.
            foreach (var rung in rungs.GroupBy(c => c.Rung))
            {
                Assert.All(rung, c => Assert.Equal(rung.Count(), c.Standings.Length));
            }
        }
    }

    /// <summary>Synchronous halving over the metrics of the trials trained straight through, in-process: the reference.</summary>
    private static IReadOnlyList<(string TrialId, int Rung, RungVerdict Verdict)> UndisturbedDecisions(SweepTestCluster cluster, SweepDefinition sweep)
    {
        var settings = GridCompiler.SearchOf(sweep).Asha!;
        Assert.True(settings.Synchronous);
        var rungs = settings.Rungs();
        var metrics = sweep.Trials.ToDictionary(t => t.TrialId, t => StraightRun.DevAccuracyAt(cluster, t, rungs));
        var halving = new SuccessiveHalving(settings, sweep.Trials.Select(t => t.TrialId));
        var decisions = new List<RungCall>();
        var alive = sweep.Trials.Select(t => t.TrialId).ToList();
        for (var k = 0; k < rungs.Count; k++)
        {
            foreach (var id in alive)
            {
                decisions.AddRange(halving.Arrive(id, k, metrics[id][k]));
            }
            alive = [.. decisions.Where(c => c.Rung == k && c.Verdict == RungVerdict.Continue).Select(c => c.TrialId)];
        }
        return [.. decisions.Where(c => c.Verdict != RungVerdict.Pause).Select(c => (c.TrialId, c.Rung, c.Verdict)).Order()];
    }

    private static void AssertSameDecisions(IReadOnlyList<(string TrialId, int Rung, RungVerdict Verdict)> expected, IReadOnlyList<RungCall> actual) =>
        Assert.Equal(expected, [.. actual.Select(c => (c.TrialId, c.Rung, c.Verdict)).Order()]);

    private static async Task AssertResultsBitForBitAsync(SweepTestCluster cluster, SweepDefinition sweep, IReadOnlyList<Sweep.Grains.Storage.TrialResultRecord> results)
    {
        foreach (var result in results)
        {
            var spec = sweep.Trials.Single(t => t.TrialId == result.Row.TrialId);
            if (result.Row.Status == TrialStatus.Pruned)
            {
                await StraightRun.AssertPrunedResultIsBitForBitAsync(cluster, spec, result.Row.Steps);
            }
            else
            {
                await StraightRun.AssertStoredResultIsBitForBitAsync(cluster, spec);
            }
        }
    }
}
