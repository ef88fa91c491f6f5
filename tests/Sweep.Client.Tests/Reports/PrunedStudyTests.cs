using Sweep.Client.Reports;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Studies;
using Sweep.Grains.Tests.Studies;
using static Sweep.Grains.Tests.Studies.StudyFixtures;

namespace Sweep.Client.Tests.Reports;

/// <summary>The study of a search sweep with pruned and paused trials (<see cref="StudyFixtures.SearchSweep"/>).</summary>
public sealed class PrunedStudyTests
{
    private static readonly SearchSpec Asha = new(null, null, SearchAsha);

    private static StudyReport Build(SearchSpec? search = null)
    {
        var (sweep, results, statuses) = SearchSweep();
        return StudyBuilder.Build(sweep, results, statuses.ToDictionary(kv => kv.Key, kv => kv.Value.Status),
            search: search ?? Asha, steps: statuses.ToDictionary(kv => kv.Key, kv => kv.Value.Steps));
    }

    [Fact]
    public void PrunedTrials_AreInNoMean_AndAreNotMissing()
    {
        var model = Assert.Single(Build().Datasets[0].Models);

        // Seeds 1 and 2 only: with the pruned seed 3 (dev 0.90) the mean would be 0.733.
        Assert.Equal(0.65, model.DevAccuracy!.Mean, 12);
        Assert.Equal(2, model.DevAccuracy.N);
        Assert.Equal(0.60, model.TestAccuracy!.Mean, 12);
        var missing = Assert.Single(model.Missing);
        Assert.Equal((TrialStatus.Paused, "asha.blobs.dnn.f0.lr0_001.s4"), (missing.Status, missing.TrialId));
    }

    [Fact]
    public void Counts_HavePausedAndPruned_AndAPausedTrialLeavesTheReportIncomplete()
    {
        var report = Build();

        Assert.Equal(new TrialCounts(5, 2, 0, 0, 0, 0, 0, Paused: 1, Pruned: 2), report.Trials);
        Assert.False(report.Complete);
    }

    [Fact]
    public void PrunedTrials_AreListedWithTheirRungStepAndDevAccuracy_BestFirst()
    {
        var pruned = Build().Pruned;

        Assert.Equal([("asha.blobs.dnn.f0.lr0_001.s3", 100, 0.90), ("asha.blobs.dnn.f0.lr0_001.s5", 300, 0.50)],
            pruned.Select(p => (p.TrialId, p.Step, p.DevAccuracy)));
    }

    [Fact]
    public void SearchSection_HasTheStrategyRungsReachedAndComputeAgainstTheFullGrid()
    {
        var search = Build().Search!;

        Assert.Equal(("asha", 3, false, 5), (search.Strategy, search.ReductionFactor, search.Synchronous, search.Configurations));
        Assert.Equal([new RungReach(100, 5), new RungReach(300, 3), new RungReach(900, 2)], search.Rungs);
        // 1 000 + 1 000 + 100 + 100 + 300 of 5 × 1 000.
        Assert.Equal((2500L, 5000L), (search.StepsTrained, search.FullGridSteps));
        Assert.Equal(0.5, search.ComputeFraction);
        Assert.Null(Build(SearchSpec.Grid).Search);
    }

    [Fact]
    public void Markdown_HasTheSearchAndPrunedSections()
    {
        var markdown = StudyMarkdown.Render(Build(), withImages: false);

        Assert.Contains("1 paused · 2 pruned.", markdown);
        Assert.Contains("## Search", markdown);
        Assert.Contains("η = 3, rungs at 100, 300, 900 steps of 1000, asynchronous", markdown);
        Assert.Contains("step 100: 5 · step 300: 3 · step 900: 2", markdown);
        Assert.Contains("(50 %)", markdown);
        Assert.Contains("## Pruned at a rung (2)", markdown);
        Assert.Contains("| `asha.blobs.dnn.f0.lr0_001.s3` | blobs | dnn | 0.001 | 3 | 100 | 0.9000 |", markdown);
        Assert.DoesNotContain("s3` (pruned)", markdown);
    }

    [Fact]
    public void Csv_HasPrunedAndSearchRows()
    {
        var csv = StudyCsv.Render(Build()).Split('\n');

        Assert.Contains("pruned,blobs,asha.blobs.dnn.f0.lr0_001.s3,100,0.001,devAccuracy,1,0.9,,,,,true,", csv);
        Assert.Contains(csv, l => l.StartsWith("search,,asha,,,computeFraction,1,0.5,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("search,,asha,300,,rungReached,1,3,", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_RoundTripsThroughJson_WithItsPrunedTrialsAndSearch()
    {
        var report = Build();

        Assert.Equal(report.ToJson(), StudyReport.FromJson(report.ToJson()).ToJson());
        Assert.Contains("\"pruned\": 2", report.ToJson());
    }
}
