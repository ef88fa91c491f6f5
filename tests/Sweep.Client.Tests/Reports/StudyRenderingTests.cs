using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;
using Sweep.Model.Training;
using static Sweep.Grains.Tests.Studies.StudyFixtures;
using Sweep.Client.Reports;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Studies.Statistics;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>The study report as the CLI renders it (markdown, CSV, charts), from reports the builder made.</summary>
public sealed class StudyRenderingTests
{
    [Fact]
    public void PartialSweep_MarksComparisonIncompleteAndListsMissingTrials()
    {
        var dnn = Spec("blobs", "dnn", 0, 0.001, 1);
        var cnn = Spec("blobs", "cnn", 3, 0.001, 1);
        var cnnFailed = Spec("blobs", "cnn", 3, 0.001, 2);
        var dnn2 = Spec("blobs", "dnn", 0, 0.001, 2);
        var (b, c) = Discordant(100, 0, 10, 50);
        var statuses = new Dictionary<string, TrialStatus> { [cnn.TrialId] = TrialStatus.Running, [cnnFailed.TrialId] = TrialStatus.Failed };

        var report = StudyBuilder.Build(SweepOf([dnn, cnn, dnn2, cnnFailed]), [Result(dnn, 0.6, 0.5, testCorrect: b), Result(dnn2, 0.6, 0.5, testCorrect: c)], statuses);

        Assert.False(report.Complete);
        Assert.Equal(new TrialCounts(4, 2, 0, 1, 0, 1, 0), report.Trials);
        var comparison = Assert.Single(report.Datasets[0].DenseVsConv);
        Assert.False(comparison.Complete);
        Assert.Null(comparison.Significant);
        Assert.StartsWith("INCOMPLETE", comparison.Verdict);
        Assert.Equal([new TrialRef(cnn.TrialId, TrialStatus.Running), new TrialRef(cnnFailed.TrialId, TrialStatus.Failed)], comparison.Missing);
        var cnnModel = report.Datasets[0].Models.Single(m => m.Model.Architecture == "cnn");
        Assert.False(cnnModel.Complete);
        Assert.Null(cnnModel.TestAccuracy);

        var markdown = StudyMarkdown.Render(report);
        Assert.Contains("PARTIAL SWEEP", markdown);
        Assert.Contains($"`{cnn.TrialId}` (running)", markdown);
        Assert.Contains($"`{cnnFailed.TrialId}` (failed)", markdown);
        Assert.Contains("INCOMPLETE", markdown);
        Assert.DoesNotContain("significant at 5 %", markdown);
    }

    [Fact]
    public void DivergedTrial_IsListedAndExcludedFromMeans()
    {
        var good = Spec("blobs", "cnn", 3, 0.001, 1);
        var bad = Spec("blobs", "cnn", 3, 0.001, 2);
        var report = StudyBuilder.Build(SweepOf([good, bad], new StudyPlan()), [Result(good, 0.8, 0.6, 0.55), Result(bad, 0.1, 0.1, 0.1, status: TrialStatus.Diverged)]);

        var model = report.Datasets[0].Models[0];
        Assert.Equal([bad.TrialId], model.Diverged);
        Assert.Equal(1, model.TestAccuracy!.N);
        Assert.Equal(0.55, model.TestAccuracy.Mean, 12);
        Assert.True(model.Complete);
        Assert.True(report.Complete);
        Assert.Contains("diverged (excluded)", StudyMarkdown.Render(report));
    }

    [Theory]
    [InlineData("cifar10", 0.5202)]
    [InlineData("mnist", 0.9806)]
    [InlineData("svhn", 0.7929)]
    public void PaperNumbers_AccompanyThePapersDatasets(string dataset, double paperCnnTest)
    {
        var spec = Spec(dataset, "cnn", 3, 0.001, 1, DatasetKind.Catalog);
        var report = StudyBuilder.Build(SweepOf([spec]), [Result(spec, 0.9, 0.6, 0.55)]);

        var paper = report.Datasets[0].Paper!;
        Assert.Equal(paperCnnTest, paper.Accuracy.Single(a => a.Model == "CNN (3 filters)").TestAccuracy);
        Assert.Equal(10, paper.PerClass.Count);
        var markdown = StudyMarkdown.Render(report);
        Assert.Contains($"*{paperCnnTest:0.0000}*", markdown);
        Assert.Contains("paper: CNN (3 filters)", markdown);
    }

    [Fact]
    public void PaperStudies_AreQuotedForCifar10()
    {
        var spec = Spec("cifar10", "cnn", 3, 0.001, 1, DatasetKind.Catalog);
        var report = StudyBuilder.Build(SweepOf([spec]), [Result(spec, 0.9, 0.6, 0.55)]);

        Assert.Equal([0.09, 0.10], report.Datasets[0].Paper!.Studies.Select(s => s.ApproximateGain));
        Assert.Equal("airplane", report.Datasets[0].Models[0].PerClass[0].Name);
        Assert.Contains("≈ +9 %", StudyMarkdown.Render(report));
    }

    [Theory]
    [InlineData("blobs", DatasetKind.Synthetic)]
    [InlineData("mnist", DatasetKind.Synthetic)]
    [InlineData("fashion", DatasetKind.Files)]
    public void PaperNumbers_AreAbsentForOtherDatasets(string dataset, DatasetKind kind)
    {
        var spec = Spec(dataset, "cnn", 3, 0.001, 1, kind);
        var report = StudyBuilder.Build(SweepOf([spec]), [Result(spec, 0.9, 0.6, 0.55)]);

        Assert.Null(report.Datasets[0].Paper);
        Assert.DoesNotContain("paper:", StudyMarkdown.Render(report));
    }

    [Fact]
    public void EmptySweep_GivesAnEmptyCompleteReport()
    {
        var report = StudyBuilder.Build(SweepOf([]), []);

        Assert.Empty(report.Datasets);
        Assert.True(report.Complete);
        Assert.Equal(0, report.Trials.Planned);
        Assert.Contains("0 planned", StudyMarkdown.Render(report));
        Assert.Empty(StudyPlots.Plan(report));
    }

    [Fact]
    public void Markdown_ContainsThePapersTablesAndTheStudies()
    {
        var (sweep, results) = SmallFullSweep();
        var markdown = StudyMarkdown.Render(StudyBuilder.Build(sweep, results));

        Assert.Contains("| model | lr (best dev) | train | dev | test | weighted F1 | weighted AR | convergence step | status |", markdown);
        Assert.Contains("### Accuracy (paper Table IV)", markdown);
        Assert.Contains("### Per class (test set; paper Table V)", markdown);
        Assert.Contains("| airplane | 10 |", markdown);
        Assert.Contains("### Filter-count study", markdown);
        Assert.Contains("### Dense vs conv", markdown);
        Assert.Contains("### Extra conv layer", markdown);
        Assert.Contains("](curves-cifar10-cnn-f3.png)", markdown);
        Assert.Contains("](study-cifar10-filters.png)", markdown);
        Assert.Contains(" ± ", markdown);
        Assert.Contains("significant at 5 %", markdown);
        Assert.True(markdown.IndexOf("≈ +9 %", StringComparison.Ordinal) > markdown.IndexOf("### Filter-count study", StringComparison.Ordinal));
        Assert.True(markdown.IndexOf("≈ +10 %", StringComparison.Ordinal) > markdown.IndexOf("### Extra conv layer", StringComparison.Ordinal));
        Assert.DoesNotContain("](", StudyMarkdown.Render(StudyBuilder.Build(sweep, results), withImages: false));
    }

    [Fact]
    public void Csv_IsLongFormatWithOneNumberPerRow()
    {
        var (sweep, results) = SmallFullSweep();
        var report = StudyBuilder.Build(sweep, results);
        var lines = StudyCsv.Render(report).TrimEnd('\n').Split('\n');

        Assert.Equal(StudyCsv.Header, lines[0]);
        var columns = StudyCsv.Header.Split(',').Length;
        Assert.All(lines, l => Assert.Equal(columns, SplitCsv(l).Count));
        var test = lines.Select(SplitCsv).Single(f => f[0] == "accuracy" && f[2] == "cnn f3" && f[5] == "test");
        var model = report.Datasets[0].Models.Single(m => m.Model.Label == "cnn f3");
        Assert.Equal(model.TestAccuracy!.Mean, double.Parse(test[7], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(lines, l => l.StartsWith("paper,cifar10,DNN,,,test,1,0.4969,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dense-vs-conv,cifar10,dnn vs cnn f3,,", StringComparison.Ordinal) && l.Contains(",difference,"));
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
