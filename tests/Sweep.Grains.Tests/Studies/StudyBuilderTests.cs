using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;
using Sweep.Model.Training;
using static Sweep.Grains.Tests.Studies.StudyFixtures;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Tests.Studies;

public sealed class StudyBuilderTests
{
    [Fact]
    public void ChosenLearningRate_IsTheBestByDevAccuracyEvenWhenTestWouldPickAnother()
    {
        var slow = Spec("blobs", "dnn", 0, 0.001, 1);
        var fast = Spec("blobs", "dnn", 0, 0.01, 1);
        var report = StudyBuilder.Build(SweepOf([slow, fast]), [Result(slow, 0.7, dev: 0.60, test: 0.50), Result(fast, 0.8, dev: 0.55, test: 0.70)]);

        var model = Assert.Single(Assert.Single(report.Datasets).Models);
        Assert.Equal(0.001, model.ChosenLearningRate);
        Assert.Equal(0.50, model.TestAccuracy!.Mean, 12);
        Assert.Equal(0.60, model.DevAccuracy!.Mean, 12);
        Assert.Equal([0.001, 0.01], model.Candidates.Select(c => c.LearningRate));
    }

    [Fact]
    public void ModelCells_AreMeanAndSampleSdOverSeeds()
    {
        var specs = Enumerable.Range(1, 3).Select(seed => Spec("blobs", "cnn", 3, 0.001, seed)).ToList();
        double[] tests = [0.5, 0.6, 0.7];
        var results = specs.Select((s, i) => Result(s, 0.9, 0.6 + i * 0.01, tests[i])).ToList();

        var model = Assert.Single(StudyBuilder.Build(SweepOf(specs), results).Datasets[0].Models);

        Assert.Equal(0.6, model.TestAccuracy!.Mean, 12);
        Assert.Equal(0.1, model.TestAccuracy.Sd!.Value, 12);
        Assert.Equal(3, model.TestAccuracy.N);
        Assert.Equal(0.61, model.DevAccuracy!.Mean, 12);
        Assert.Equal(specs.Select(s => s.TrialId), model.TrialIds);
        Assert.True(model.Complete);
        Assert.Equal(10, model.PerClass.Count);
        Assert.Equal(0.6 + 0.003, model.PerClass[3].F1!.Mean, 12);
    }

    [Fact]
    public void DenseVsConv_WithTenDiscordantImagesOneWay_IsSignificant()
    {
        var dnn = Spec("blobs", "dnn", 0, 0.001, 1);
        var cnn = Spec("blobs", "cnn", 3, 0.001, 1);
        var (baseline, candidate) = Discordant(100, b: 0, c: 10, both: 50);
        var report = StudyBuilder.Build(SweepOf([dnn, cnn]), [Result(dnn, 0.6, 0.5, testCorrect: baseline), Result(cnn, 0.7, 0.6, testCorrect: candidate)]);

        var comparison = Assert.Single(report.Datasets[0].DenseVsConv);
        Assert.True(comparison.Complete);
        Assert.Equal(0.001, comparison.LearningRate);
        var seed = Assert.Single(comparison.Seeds);
        Assert.Equal((0, 10), (seed.BaselineOnlyCorrect!.Value, seed.CandidateOnlyCorrect!.Value));
        Assert.Equal(2 * Math.Pow(0.5, 10), seed.McNemarPValue!.Value, 14);
        Assert.Equal(2 * Math.Pow(0.5, 10), comparison.McNemar!.PooledPValue, 14);
        Assert.Equal(0.10, comparison.Difference!.Mean, 12);
        Assert.Null(comparison.Difference.CiLow);
        Assert.True(comparison.Significant);
        Assert.Equal("significant at 5 %", comparison.Verdict);
        Assert.True(comparison.Bootstrap!.CiLow > 0, $"bootstrap CI {comparison.Bootstrap} should exclude 0");
    }

    [Fact]
    public void DenseVsConv_WithBalancedDisagreement_IsNotSignificant()
    {
        var dnn = Spec("blobs", "dnn", 0, 0.001, 1);
        var cnn = Spec("blobs", "cnn", 3, 0.001, 1);
        var (baseline, candidate) = Discordant(100, b: 3, c: 5, both: 50);
        var report = StudyBuilder.Build(SweepOf([dnn, cnn]), [Result(dnn, 0.6, 0.5, testCorrect: baseline), Result(cnn, 0.7, 0.6, testCorrect: candidate)]);

        var comparison = Assert.Single(report.Datasets[0].DenseVsConv);
        Assert.Equal(2 * 93.0 / 256, comparison.McNemar!.PooledPValue, 14);
        Assert.False(comparison.Significant);
        Assert.Equal("not significant at 5 % (McNemar p = 0.7266)", comparison.Verdict);
        Assert.True(comparison.Bootstrap!.CiLow < 0 && comparison.Bootstrap.CiHigh > 0, $"bootstrap CI {comparison.Bootstrap} should contain 0");
    }

    [Fact]
    public void Comparison_OverSeeds_HasPairedTIntervalPooledAndFisherPValues()
    {
        var comparison = ThreeSeedComparison([10, 11, 12]);

        // Differences 0.10, 0.11, 0.12: mean 0.11, sd 0.01, t(0.975, 2) = 4.303.
        var d = comparison.Difference!;
        Assert.Equal(0.11, d.Mean, 12);
        Assert.Equal(0.01, d.Sd!.Value, 12);
        Assert.Equal(4.303, d.TQuantile!.Value, 3);
        Assert.Equal(0.11 - d.TQuantile.Value * 0.01 / Math.Sqrt(3), d.CiLow!.Value, 12);
        Assert.Equal(0.11 + d.TQuantile.Value * 0.01 / Math.Sqrt(3), d.CiHigh!.Value, 12);
        Assert.Equal((3, 36), (comparison.McNemar!.BaselineOnlyCorrect, comparison.McNemar.CandidateOnlyCorrect));
        Assert.Equal(McNemar.ExactPValue(3, 36), comparison.McNemar.PooledPValue, 14);
        Assert.Equal(McNemar.FisherCombinedPValue(comparison.Seeds.Select(s => s.McNemarPValue!.Value).ToList()), comparison.McNemar.FisherPValue, 14);
        Assert.Equal([0, 1, 2], comparison.Seeds.Select(s => s.Seed));
        Assert.Equal(0.11, comparison.Bootstrap!.Difference, 12);
        Assert.True(comparison.Bootstrap.CiLow > 0, $"bootstrap CI {comparison.Bootstrap} should exclude 0");
        Assert.True(comparison.Significant);
        Assert.True(comparison.RobustAcrossSeeds);
        Assert.Equal("significant at 5 %", comparison.Verdict);
    }

    [Fact]
    public void Comparison_SignificantOnTheTestSetButNotAcrossTwoSeeds_SaysBoth()
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        int[] extra = [30, 2];
        for (var seed = 0; seed < 2; seed++)
        {
            var dnn = Spec("blobs", "dnn", 0, 0.001, seed);
            var cnn = Spec("blobs", "cnn", 3, 0.001, seed);
            var (b, c) = Discordant(100, 1, 1 + extra[seed], 50);
            specs.AddRange([dnn, cnn]);
            results.AddRange([Result(dnn, 0.6, 0.5, testCorrect: b), Result(cnn, 0.7, 0.6, testCorrect: c)]);
        }

        var comparison = Assert.Single(StudyBuilder.Build(SweepOf(specs), results).Datasets[0].DenseVsConv);

        // Differences 0.30 and 0.02: t(0.975, 1) = 12.706 makes the seed interval far wider than the mean 0.16.
        Assert.True(comparison.Difference!.CiLow < 0);
        Assert.True(comparison.Bootstrap!.CiLow > 0, $"bootstrap CI {comparison.Bootstrap} should exclude 0");
        Assert.True(comparison.Significant);
        Assert.False(comparison.RobustAcrossSeeds);
        Assert.Equal("significant at 5 % (not robust across seeds: the t CI over 2 seeds includes 0)", comparison.Verdict);
    }

    [Fact]
    public void Comparison_OverSeeds_ConsistentButSmallGainOnFewImages_IsNotSignificant()
    {
        var comparison = ThreeSeedComparison([2, 3, 4]);

        // Seeds agree (t CI 0.03 ± 0.025 excludes 0) but 100 test images cannot tell a 3-point gain from chance,
        // and the pooled McNemar p (< 0.05) would overstate it: the seeds share the images.
        Assert.True(comparison.Difference!.CiLow > 0);
        Assert.True(comparison.McNemar!.PooledPValue < 0.05);
        Assert.True(comparison.Bootstrap!.CiLow <= 0, $"bootstrap CI {comparison.Bootstrap} should contain 0");
        Assert.False(comparison.Significant);
        Assert.True(comparison.RobustAcrossSeeds);
        Assert.Equal("not significant at 5 % (the bootstrap CI includes 0)", comparison.Verdict);
    }

    private static ComparisonResult ThreeSeedComparison(int[] extraCandidateCorrect)
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        for (var seed = 0; seed < 3; seed++)
        {
            var dnn = Spec("blobs", "dnn", 0, 0.001, seed);
            var cnn = Spec("blobs", "cnn", 3, 0.001, seed);
            var (b, c) = Discordant(100, 1, 1 + extraCandidateCorrect[seed], 50);
            specs.AddRange([dnn, cnn]);
            results.AddRange([Result(dnn, 0.6, 0.5, testCorrect: b), Result(cnn, 0.7, 0.6, testCorrect: c)]);
        }

        return Assert.Single(StudyBuilder.Build(SweepOf(specs), results).Datasets[0].DenseVsConv);
    }

    [Fact]
    public void Comparison_OverSeedsWithoutPredictions_IsJudgedByTheTInterval()
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        for (var seed = 0; seed < 3; seed++)
        {
            var dnn = Spec("blobs", "dnn", 0, 0.001, seed);
            var cnn = Spec("blobs", "cnn", 3, 0.001, seed);
            specs.AddRange([dnn, cnn]);
            results.AddRange([Result(dnn, 0.6, 0.5, 0.50 + seed * 0.01), Result(cnn, 0.7, 0.6, 0.60 + seed * 0.02)]);
        }

        var comparison = Assert.Single(StudyBuilder.Build(SweepOf(specs), results).Datasets[0].DenseVsConv);

        Assert.Null(comparison.McNemar);
        Assert.Null(comparison.Bootstrap);
        Assert.True(comparison.Significant);
        Assert.Equal("significant at 5 % (no test predictions: t CI over seeds)", comparison.Verdict);
    }

    [Fact]
    public void PValues_BelowTheDoubleRange_PrintAsABound()
    {
        Assert.Equal("< 1E-300", StudyFormat.P(McNemar.ExactPValue(0, 5000)));
        Assert.Equal("0.0020", StudyFormat.P(McNemar.ExactPValue(10, 0)));
        Assert.Equal("3.1E-5", StudyFormat.P(McNemar.ExactPValue(0, 16)));
        Assert.Equal("0.0313", StudyFormat.P(McNemar.ExactPValue(0, 6)));
    }

    [Fact]
    public void ConvergenceStep_IsFirstEvalWithinToleranceOfFinalDev()
    {
        List<CurvePoint> curve =
        [
            new(50, 2.0, 0.2, double.NaN),
            new(100, 2.0, 0.2, 0.30),
            new(200, 1.5, 0.4, 0.50),
            new(300, 1.2, 0.5, 0.595),
            new(400, 1.1, 0.6, 0.58),
            new(500, 1.0, 0.6, 0.60),
        ];

        Assert.Equal(300, StudyBuilder.ConvergenceStep(curve, 0.01));
        Assert.Equal(500, StudyBuilder.ConvergenceStep(curve, 0.001));
        Assert.Null(StudyBuilder.ConvergenceStep([new(1, 1, 1, double.NaN)], 0.01));
    }

    [Fact]
    public void ModelConvergenceStep_IsSummarisedOverSeeds()
    {
        var spec = Spec("blobs", "dnn", 0, 0.001, 1);
        var model = StudyBuilder.Build(SweepOf([spec]), [Result(spec, 0.6, 0.5, 0.5)]).Datasets[0].Models[0];

        // Curve(0.5) reaches its final dev accuracy at step 500 and is 0.45 at step 400.
        Assert.Equal(500, model.ConvergenceStep!.Mean);
    }

    [Fact]
    public void TrialWithoutStatus_CountsAsPendingAndMissing()
    {
        var dnn = Spec("blobs", "dnn", 0, 0.001, 1);
        var cnn = Spec("blobs", "cnn", 3, 0.001, 1);
        var report = StudyBuilder.Build(SweepOf([dnn, cnn]), [Result(dnn, 0.6, 0.5, 0.5)]);

        Assert.Equal(1, report.Trials.Pending);
        Assert.Equal([new TrialRef(cnn.TrialId, TrialStatus.Pending)], report.Datasets[0].DenseVsConv[0].Missing);
    }

    [Fact]
    public void FilterStudy_ReportsEachCountAtOneRateWithGainOverTheSmallest()
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        foreach (var (filters, both) in new[] { (3, 40), (8, 45), (32, 49) })
        {
            foreach (var lr in new[] { 0.001, 0.01 })
            {
                var spec = Spec("blobs", "cnn", filters, lr, 1);
                specs.Add(spec);
                var (_, correct) = Discordant(100, 0, lr == 0.001 ? both : both - 20, 0);
                results.Add(Result(spec, 0.9, lr == 0.001 ? 0.6 : 0.5, testCorrect: correct));
            }
        }

        var study = Assert.Single(StudyBuilder.Build(SweepOf(specs), results).Datasets[0].FilterStudies);

        Assert.Equal("cnn", study.Architecture);
        Assert.Equal(0.001, study.LearningRate);
        Assert.Equal([3, 8, 32], study.Rows.Select(r => r.Filters));
        Assert.Equal([0.40, 0.45, 0.49], study.Rows.Select(r => Math.Round(r.TestAccuracy!.Mean, 12)));
        Assert.Null(study.Rows[0].GainOverSmallest);
        var gain = study.Rows[2].GainOverSmallest!;
        Assert.Equal(0.09, gain.Difference!.Mean, 12);
        Assert.Equal(new ModelRef("cnn", 3), gain.Baseline);
        Assert.Equal(new ModelRef("cnn", 32), gain.Candidate);
        Assert.Equal(McNemar.ExactPValue(0, 9), gain.McNemar!.PooledPValue, 14);
    }

    [Fact]
    public void ExtraConvLayer_PairsEqualFilterCountsAtACommonRate()
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        foreach (var arch in new[] { "cnn", "cnn2" })
        {
            foreach (var filters in new[] { 3, 8 })
            {
                foreach (var lr in new[] { 0.001, 0.003 })
                {
                    var spec = Spec("blobs", arch, filters, lr, 7);
                    specs.Add(spec);

                    // cnn alone prefers 0.001, cnn2 alone prefers 0.003; averaged over both, 0.003 wins.
                    var dev = (arch, lr) switch { ("cnn", 0.001) => 0.60, ("cnn", _) => 0.58, (_, 0.001) => 0.55, _ => 0.70 };
                    results.Add(Result(spec, 0.9, dev, 0.5 + (arch == "cnn2" ? 0.1 : 0)));
                }
            }
        }

        var comparisons = StudyBuilder.Build(SweepOf(specs), results).Datasets[0].ExtraConvLayer;

        Assert.Equal(2, comparisons.Count);
        Assert.All(comparisons, c => Assert.Equal(c.Baseline.Filters, c.Candidate.Filters));
        Assert.All(comparisons, c => Assert.Equal(0.003, c.LearningRate));
        Assert.All(comparisons, c => Assert.Equal(0.1, c.Difference!.Mean, 12));
        Assert.All(comparisons, c => Assert.Equal("undecidable: one seed and no test predictions", c.Verdict));
    }

    [Fact]
    public void PairStudy_WithAnArchitectureMissingFromTheGrid_SaysSo()
    {
        var dnn = Spec("blobs", "dnn", 0, 0.001, 1);
        var report = StudyBuilder.Build(SweepOf([dnn]), [Result(dnn, 0.6, 0.5, 0.5)]);

        Assert.Empty(report.Datasets[0].DenseVsConv);
        Assert.Contains(report.Datasets[0].Notes, n => n.Contains("'cnn'") && n.Contains("'blobs'"));
    }

    [Fact]
    public void SeveralDatasets_AreReportedSeparatelyInGridOrder()
    {
        var specs = new[] { "svhn", "blobs" }
            .SelectMany(d => new[] { Spec(d, "dnn", 0, 0.001, 1, DatasetKind.Catalog), Spec(d, "cnn", 3, 0.001, 1, DatasetKind.Catalog) })
            .ToList();
        var results = specs.Select((s, i) => Result(s, 0.9, 0.5, 0.4 + i * 0.1)).ToList();

        var report = StudyBuilder.Build(SweepOf(specs), results);

        Assert.Equal(["svhn", "blobs"], report.Datasets.Select(d => d.Dataset));
        Assert.Equal([0.4, 0.5], report.Datasets[0].Models.Select(m => Math.Round(m.TestAccuracy!.Mean, 12)));
        Assert.Equal([0.6, 0.7], report.Datasets[1].Models.Select(m => Math.Round(m.TestAccuracy!.Mean, 12)));
        Assert.NotNull(report.Datasets[0].Paper);
        Assert.Null(report.Datasets[1].Paper);
        Assert.Equal(0.1, report.Datasets[1].DenseVsConv[0].Difference!.Mean, 12);
    }

    [Fact]
    public void Build_IsDeterministic()
    {
        var (sweep, results) = SmallFullSweep();
        Assert.Equal(StudyBuilder.Build(sweep, results).ToJson(), StudyBuilder.Build(sweep, results).ToJson());
    }

    [Fact]
    public void Json_RoundTrips()
    {
        var (sweep, results) = SmallFullSweep();
        var json = StudyBuilder.Build(sweep, results).ToJson();

        var back = StudyReport.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"denseVsConv\"", json);
        Assert.Contains("\"chosenLearningRate\"", json);
        Assert.Contains("\"status\": \"running\"", StudyBuilder.Build(sweep, results.Skip(1).ToList(), new Dictionary<string, TrialStatus> { [results[0].Row.TrialId] = TrialStatus.Running }).ToJson());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"schemaVersion\":1,\"sweepId\":null,\"gridHash\":\"h\",\"settings\":null,\"trials\":null,\"complete\":true,\"datasets\":[]}")]
    public void FromJson_RejectsIncompleteDocuments(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StudyReport.FromJson(json));
    }

}
