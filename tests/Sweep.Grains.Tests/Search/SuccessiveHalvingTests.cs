using Sweep.Grains.Search;

namespace Sweep.Grains.Tests.Search;

/// <summary>
/// Successive halving on fixtures whose metrics are known, with the expected decisions worked out by hand from
/// the rule (go on when among the best max(1, ⌊n/η⌋) of the n trials at the rung).
/// </summary>
public sealed class SuccessiveHalvingTests
{
    private static readonly string[] Nine = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];

    /// <summary>Rung-0 metrics of <see cref="Nine"/>, in arrival order.</summary>
    private static readonly (string Trial, double Metric)[] Arrivals =
        [("t1", 0.5), ("t2", 0.7), ("t3", 0.4), ("t4", 0.9), ("t5", 0.6), ("t6", 0.3), ("t7", 0.8), ("t8", 0.2), ("t9", 0.65)];

    private static SuccessiveHalving Halving(bool synchronous, IEnumerable<string>? trials = null, int minSteps = 100, int maxSteps = 2700) =>
        new(new AshaSettings(AshaSettings.DevAccuracy, minSteps, maxSteps, 3, synchronous), trials ?? Nine);

    [Fact]
    public void Rungs_AreMinStepsTimesEtaToThePower_BelowMaxSteps()
    {
        var halving = Halving(synchronous: false);

        Assert.Equal([100, 300, 900], halving.Rungs);
        Assert.Equal(100, halving.NextStop(0));
        Assert.Equal(300, halving.NextStop(100));
        Assert.Equal(300, halving.NextStop(150));
        Assert.Null(halving.NextStop(900));
        Assert.Equal(2, halving.RungAt(900));
        Assert.Equal(-1, halving.RungAt(200));
        Assert.Equal([100, 300], Halving(synchronous: false, minSteps: 100, maxSteps: 900).Rungs);
    }

    [Fact]
    public void Asynchronous_DecidesOnArrival_SoALateGoodTrialGoesOn_AndAnEarlyMediocreOneWentOnBeforeIt()
    {
        var halving = Halving(synchronous: false);

        var calls = Arrivals.Select(a => Assert.Single(halving.Arrive(a.Trial, 0, a.Metric))).ToList();

        // n=1..9 → promotable 1,1,1,1,1,2,2,2,3.
        Assert.Equal(
            [RungVerdict.Continue, RungVerdict.Continue, RungVerdict.Prune, RungVerdict.Continue, RungVerdict.Prune,
             RungVerdict.Prune, RungVerdict.Continue, RungVerdict.Prune, RungVerdict.Prune],
            calls.Select(c => c.Verdict));
        Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 3], calls.Select(c => c.Promotable));
        // t1 (0.5) went on as the first arrival; t5 (0.6) came later and was pruned: ASHA depends on arrival order.
        Assert.Equal(RungVerdict.Continue, calls[0].Verdict);
        Assert.Equal(RungVerdict.Prune, calls[4].Verdict);
        Assert.All(calls, (c, i) => Assert.Equal(i + 1, c.Standings.Length));
        Assert.All(calls, c => Assert.True(SuccessiveHalving.Allows(c.Standings, c.Promotable, c.TrialId, c.Verdict)));
        Assert.Equal(["t4", "t7", "t2", "t9", "t5", "t1", "t3", "t6", "t8"], calls[^1].Standings.Select(s => s.TrialId));
    }

    [Fact]
    public void Asynchronous_ATrialArrivingAgainAtARung_GetsTheDecisionItHad()
    {
        var halving = Halving(synchronous: false);
        foreach (var (trial, metric) in Arrivals)
        {
            halving.Arrive(trial, 0, metric);
        }

        var again = Assert.Single(halving.Arrive("t1", 0, 0.01));

        Assert.Equal(RungVerdict.Continue, again.Verdict);
        Assert.Equal(0.5, again.Metric);
        Assert.Single(again.Standings);
    }

    [Fact]
    public void Asynchronous_HigherRungs_CompeteOnlyAmongTheTrialsThatReachedThem()
    {
        var halving = Halving(synchronous: false);
        foreach (var (trial, metric) in Arrivals)
        {
            halving.Arrive(trial, 0, metric);
        }

        var first = Assert.Single(halving.Arrive("t7", 1, 0.85));
        var second = Assert.Single(halving.Arrive("t4", 1, 0.80));

        Assert.Equal(RungVerdict.Continue, first.Verdict);
        Assert.Equal(RungVerdict.Prune, second.Verdict);
        Assert.Equal(["t7", "t4"], second.Standings.Select(s => s.TrialId));
        Assert.Equal(300, second.Step);
    }

    [Fact]
    public void Synchronous_PausesEveryTrialUntilTheRungIsFull_ThenKeepsTheBestThird()
    {
        var halving = Halving(synchronous: true);

        var early = Arrivals[..^1].SelectMany(a => halving.Arrive(a.Trial, 0, a.Metric)).ToList();
        var last = halving.Arrive(Arrivals[^1].Trial, 0, Arrivals[^1].Metric);

        Assert.All(early, c => Assert.Equal(RungVerdict.Pause, c.Verdict));
        Assert.Equal(8, early.Count);
        Assert.Equal(RungVerdict.Pause, last[0].Verdict);
        var decisions = last.Skip(1).ToList();
        Assert.Equal(9, decisions.Count);
        Assert.Equal(["t4", "t7", "t2"], decisions.Where(c => c.Verdict == RungVerdict.Continue).Select(c => c.TrialId));
        Assert.Equal(6, decisions.Count(c => c.Verdict == RungVerdict.Prune));
        Assert.All(decisions, c => Assert.Equal(9, c.Standings.Length));
        Assert.All(decisions, c => Assert.Equal(3, c.Promotable));
        Assert.All(decisions, c => Assert.True(SuccessiveHalving.Allows(c.Standings, c.Promotable, c.TrialId, c.Verdict)));
    }

    [Fact]
    public void Synchronous_DecisionsDoNotDependOnArrivalOrder()
    {
        static HashSet<string> Promoted(IEnumerable<(string Trial, double Metric)> order)
        {
            var halving = Halving(synchronous: true);
            return [.. order.SelectMany(a => halving.Arrive(a.Trial, 0, a.Metric))
                .Where(c => c.Verdict == RungVerdict.Continue).Select(c => c.TrialId)];
        }

        var forward = Promoted(Arrivals);
        var backward = Promoted(Arrivals.Reverse());
        var shuffled = Promoted(Arrivals.OrderBy(a => a.Trial.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995));

        Assert.Equal(["t2", "t4", "t7"], forward.Order(StringComparer.Ordinal));
        Assert.Equal(forward, backward);
        Assert.Equal(forward, shuffled);
    }

    [Fact]
    public void Synchronous_ATrialThatEndsBeforeTheRung_NoLongerHoldsItUp()
    {
        var halving = Halving(synchronous: true, trials: ["a", "b", "c", "d"]);

        Assert.Single(halving.Arrive("a", 0, 0.3));
        Assert.Single(halving.Arrive("b", 0, 0.6));
        Assert.Single(halving.Arrive("c", 0, 0.5));
        var closing = halving.Ended("d");

        var promoted = Assert.Single(closing, c => c.Verdict == RungVerdict.Continue);
        Assert.Equal("b", promoted.TrialId);
        Assert.Equal(3, closing.Count);
        Assert.Empty(halving.Ended("d"));
    }

    [Fact]
    public void Synchronous_TheNextRungWaitsOnlyForThePromotedTrials()
    {
        var halving = Halving(synchronous: true, minSteps: 100, maxSteps: 900);
        foreach (var (trial, metric) in Arrivals)
        {
            halving.Arrive(trial, 0, metric);
        }

        Assert.Equal(RungVerdict.Pause, Assert.Single(halving.Arrive("t4", 1, 0.91)).Verdict);
        Assert.Equal(RungVerdict.Pause, Assert.Single(halving.Arrive("t2", 1, 0.95)).Verdict);
        var closing = halving.Arrive("t7", 1, 0.90);

        Assert.Equal(4, closing.Count);
        Assert.Equal("t2", Assert.Single(closing, c => c.Verdict == RungVerdict.Continue).TrialId);
        Assert.Equal(2, closing.Count(c => c.Verdict == RungVerdict.Prune));
    }

    [Fact]
    public void Restore_ReplaysRecordedDecisions_AndTheSweepGoesOnAsIfNothingHappened()
    {
        var straight = Halving(synchronous: true);
        var recorded = new List<RungCall>();
        foreach (var (trial, metric) in Arrivals[..5])
        {
            recorded.AddRange(straight.Arrive(trial, 0, metric));
        }
        var restored = Halving(synchronous: true);
        foreach (var call in recorded)
        {
            restored.Restore(call);
        }

        var a = Arrivals[5..].SelectMany(x => straight.Arrive(x.Trial, 0, x.Metric)).ToList();
        var b = Arrivals[5..].SelectMany(x => restored.Arrive(x.Trial, 0, x.Metric)).ToList();

        Assert.Equal(a.Select(c => (c.TrialId, c.Verdict, c.Promotable)), b.Select(c => (c.TrialId, c.Verdict, c.Promotable)));
        Assert.Equal(RungVerdict.Prune, Assert.Single(restored.Arrive("t1", 0, 0.99)).Verdict);
        Assert.Equal(straight.Decided("t1", 0)!.Standings, restored.Decided("t1", 0)!.Standings);
    }

    [Fact]
    public void Ranking_PutsNaNLast_AndBreaksTiesByTrialId()
    {
        var standings = SuccessiveHalving.Standings([new("b", 0.5), new("c", double.NaN), new("a", 0.5), new("d", 0.7)]);

        Assert.Equal(["d", "a", "b", "c"], standings.Select(s => s.TrialId));
        Assert.Equal(3, SuccessiveHalving.Rank(standings, "c"));
    }

    [Fact]
    public void AnUnknownTrialOrRung_IsABug_AndThrows()
    {
        var halving = Halving(synchronous: false);

        Assert.Throws<ArgumentException>(() => halving.Arrive("stranger", 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => halving.Arrive("t1", 3, 0.5));
    }
}
