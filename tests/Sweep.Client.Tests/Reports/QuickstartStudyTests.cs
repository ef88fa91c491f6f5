using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;
using Sweep.Grains.Tests.Grid;
using Sweep.Model.Data;
using Sweep.Model.Training;
using Sweep.Client.Reports;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Studies.Statistics;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>
/// examples/quickstart.json through the grid compiler, the real engine (shortened: fewer steps, fewer images) and
/// the study builder: the report has the three studies, complete, on the synthetic data.
/// </summary>
public sealed class QuickstartStudyTests
{
    [Fact]
    public void QuickstartGrid_ShortenedTraining_GivesAllThreeStudies()
    {
        var sweep = GridCompiler.CompileFile(Path.Combine(GridFixtures.RepositoryRoot(), "examples", "quickstart.json"));
        var shortened = sweep with
        {
            Trials = [.. sweep.Trials.Select(t => t with
            {
                Dataset = t.Dataset with { TrainSize = 300, TestSize = 100 },
                Training = t.Training with { Steps = 10, EvalEvery = 5, DevSize = 50, BatchSize = 16 },
            })],
        };

        var results = shortened.Trials.Select(Train).ToList();
        var report = StudyBuilder.Build(shortened, results);

        Assert.True(report.Complete);
        var dataset = Assert.Single(report.Datasets);
        Assert.Equal(5, dataset.Models.Count);
        Assert.Equal(2, dataset.DenseVsConv.Count);
        Assert.Equal(2, dataset.ExtraConvLayer.Count);
        Assert.Equal(["cnn", "cnn2"], dataset.FilterStudies.Select(f => f.Architecture));
        Assert.All(dataset.DenseVsConv.Concat(dataset.ExtraConvLayer), c =>
        {
            Assert.True(c.Complete);
            Assert.Equal(sweep.Trials.Select(t => t.Seed).Distinct().Count(), c.Seeds.Count);
            Assert.NotNull(c.McNemar);
            Assert.NotNull(c.Bootstrap);
            Assert.NotNull(c.Significant);
        });
        Assert.Null(dataset.Paper);
        var markdown = StudyMarkdown.Render(report);
        Assert.Contains("### Dense vs conv", markdown);
        Assert.Contains("### Filter-count study", markdown);
        Assert.Contains("### Extra conv layer", markdown);
    }

    private static TrialResultRecord Train(TrialSpec spec)
    {
        var data = DatasetLoader.Load(spec.Dataset.ToSource(), Path.GetTempPath());
        var architecture = TrialArchitecture.Parse(spec);
        var result = TrainingSession.Create(architecture, spec.Training.ToOptions(spec.LearningRate, spec.Seed, architecture, data.Train.Shape, data.Train.Classes), data)
            .Run(null, TestContext.Current.CancellationToken);
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        var row = new LeaderboardRow(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate,
            spec.Seed, TrialStatus.Completed, result.Steps, result.Train!.Accuracy, result.Dev!.Accuracy, result.Test!.Accuracy,
            result.Test.WeightedF1, result.Test.WeightedAreaRatio, result.WallSeconds);
        return new TrialResultRecord(row, result.Curve, result.Train, result.Dev, result.Test, result.DevPredictions, result.TestPredictions);
    }
}
