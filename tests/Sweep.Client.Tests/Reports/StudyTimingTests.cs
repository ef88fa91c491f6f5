using System.Diagnostics;
using Sweep.Grains.Studies;
using Sweep.Client.Reports;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>
/// Prints how long a 1 000-trial report takes (the figure quoted in the closing note). Times are printed,
/// never asserted; the assertions check the report covers what was timed.
/// </summary>
public sealed class StudyTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void ThousandTrialSweep_BuildsAndRendersAndPrintsItsTiming()
    {
        var (sweep, results) = StudyFixtures.ThousandTrials(testImages: 1000);

        var build = Stopwatch.StartNew();
        var report = StudyBuilder.Build(sweep, results);
        build.Stop();
        var render = Stopwatch.StartNew();
        var markdown = StudyMarkdown.Render(report, withImages: false);
        render.Stop();

        output.WriteLine($"1 000 trials (1 000 test images each, 2 000 bootstrap resamples): StudyBuilder.Build {build.Elapsed.TotalMilliseconds:F0} ms, StudyMarkdown.Render {render.Elapsed.TotalMilliseconds:F0} ms, markdown {markdown.Length} chars.");
        Assert.Equal(1000, report.Trials.Completed);
        Assert.Equal(2, report.Datasets.Count);
        Assert.All(report.Datasets, d => Assert.Equal(5, d.Models.Count));
        Assert.All(report.Datasets, d => Assert.All(d.DenseVsConv, c => Assert.Equal(20, c.Seeds.Count)));
        Assert.Contains("### Extra conv layer", markdown);
    }
}
