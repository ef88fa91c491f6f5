using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;
using Sweep.Grains.Tests.Storage;
using Sweep.Grains.Tests.Support;
using Sweep.Model.Metrics;
using static Sweep.Grains.Tests.Studies.StudyFixtures;
using Sweep.Client.Commands;
using Sweep.Client.Reports;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>
/// <c>sweep study</c> and <c>sweep predictions</c> against a real backend: each subclass supplies a fresh store.
/// </summary>
public abstract class StudyOnStoreTests : FreshStoreTests
{
    [Fact]
    public async Task Study_OfARunningThenFinishedSweep_IsPartialThenEqualsTheReportOfItsResults()
    {
        var (sweep, results) = await SeedAsync(withheld: 1);
        await Store.SetTrialStatusAsync(results[0].Row.TrialId, TrialStatus.Running, 300, Ct);
        var partial = new StringWriter();

        Assert.Equal(0, await StudyCommands.RunStudyAsync(Store, sweep.SweepId, "md", null, partial, new StringWriter(), Ct));
        Assert.Contains("PARTIAL SWEEP", partial.ToString());
        Assert.Contains($"`{results[0].Row.TrialId}` (running)", partial.ToString());

        Assert.True(await Store.SaveResultAsync(results[0], Ct));
        var finished = new StringWriter();
        Assert.Equal(0, await StudyCommands.RunStudyAsync(Store, sweep.SweepId, "json", null, finished, new StringWriter(), Ct));

        Assert.Equal(StudyBuilder.Build(sweep, results).ToJson() + "\n", finished.ToString());
    }

    [Fact]
    public async Task Study_OfAFinishedSweep_UsesThePublishedReportAndWritesCharts()
    {
        var (sweep, results) = await SeedAsync(withheld: 0);
        var published = await StoredStudy.PublishAsync(Store, sweep, Ct);
        using var dir = new TemporaryDirectory("sweep-study-store");
        var stdout = new StringWriter();

        Assert.Equal(0, await StudyCommands.RunStudyAsync(Store, sweep.SweepId, "md", dir.Path, stdout, new StringWriter(), Ct));

        Assert.Equal(StudyMarkdown.Render(published), await File.ReadAllTextAsync(Path.Combine(dir.Path, "report.md"), Ct));
        Assert.All(StudyPlots.Plan(published), c => Assert.True(new FileInfo(Path.Combine(dir.Path, c.FileName)).Length > 1000, c.FileName));
    }

    [Fact]
    public async Task PredictionsExport_RecomputedWithMetricsCalculator_EqualsTheStoredEvaluation()
    {
        var (_, results) = await SeedAsync(withheld: 0);
        var trial = results[3];
        var stdout = new StringWriter();

        Assert.Equal(0, await StudyCommands.RunPredictionsAsync(Store, trial.Row.TrialId, PredictionSplit.Test, "csv", stdout, new StringWriter(), Ct));

        var lines = stdout.ToString().TrimEnd('\n').Split('\n');
        var classes = lines[0].Split(',').Length - 2;
        var labels = new int[lines.Length - 1];
        var probabilities = new float[labels.Length * classes];
        for (var i = 0; i < labels.Length; i++)
        {
            var fields = lines[i + 1].Split(',');
            labels[i] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            for (var k = 0; k < classes; k++)
            {
                probabilities[i * classes + k] = float.Parse(fields[k + 2], CultureInfo.InvariantCulture);
            }
        }

        var recomputed = MetricsCalculator.Evaluate(new Predictions(classes, labels, probabilities));
        var stored = (await Store.GetResultAsync(trial.Row.TrialId, Ct))!.Test!;
        Assert.Equal(stored.Accuracy, recomputed.Accuracy);
        Assert.Equal(stored.WeightedF1, recomputed.WeightedF1);
        Assert.Equal(stored.WeightedAreaRatio, recomputed.WeightedAreaRatio);
        Assert.Equal(stored.PerClass, recomputed.PerClass);
        Assert.Equal(stored.Confusion, recomputed.Confusion);
        Assert.Equal(trial.Row.TestAccuracy, recomputed.Accuracy);
    }

    /// <summary>Stores a cifar10-like sweep (dnn, cnn f3/f8, cnn2 f3/f8 × 2 seeds) and all results but the first <paramref name="withheld"/>.</summary>
    private async Task<(SweepDefinition Sweep, List<TrialResultRecord> Results)> SeedAsync(int withheld)
    {
        (string Arch, int Filters, double Skill)[] models = [("dnn", 0, 0.4), ("cnn", 3, 0.5), ("cnn", 8, 0.55), ("cnn2", 3, 0.6), ("cnn2", 8, 0.65)];
        var specs = models.SelectMany(m => new[] { 1, 2 }.Select(seed => Spec("cifar10", m.Arch, m.Filters, 0.001, seed, DatasetKind.Catalog, "store1"))).ToList();
        var sweep = SweepOf(specs, sweepId: "store1");
        var results = specs.Select(s => EvaluatedResult(s, models.First(m => m.Arch == s.Architecture && m.Filters == s.Filters).Skill)).ToList();
        await Store.CreateSweepAsync(sweep, Ct);
        foreach (var result in results.Skip(withheld))
        {
            Assert.True(await Store.SaveResultAsync(result, Ct));
        }

        return (sweep, results);
    }
}
