using System.Collections.Immutable;
using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Studies;

/// <summary>Sweeps and trial results built in code, with answers known by construction.</summary>
internal static class StudyFixtures
{
    public const int Classes = 10;

    public static readonly StudyPlan AllStudies = new()
    {
        DenseVsConv = new StudyPair("dnn", "cnn"),
        Filters = true,
        ExtraConvLayer = new StudyPair("cnn", "cnn2"),
    };

    public static TrialSpec Spec(string dataset, string architecture, int filters, double learningRate, int seed, DatasetKind kind = DatasetKind.Synthetic, string sweepId = "s1")
    {
        var lr = learningRate.ToString("R", CultureInfo.InvariantCulture).Replace('.', '_');
        var id = $"{sweepId}.{dataset}.{architecture}.f{filters}.lr{lr}.s{seed}";
        var datasetRef = kind == DatasetKind.Synthetic
            ? new DatasetRef(dataset, kind, Generator: "blobs", TrainSize: 100, TestSize: 100, ImageSize: 8, Seed: 1)
            : new DatasetRef(dataset, kind);
        return new TrialSpec(id, sweepId, datasetRef, architecture, architecture, filters, learningRate, seed, new TrainingSettings());
    }

    public static SweepDefinition SweepOf(IEnumerable<TrialSpec> trials, StudyPlan? plan = null, string sweepId = "s1") =>
        new(sweepId, "hash-" + sweepId, "{}", trials.ToImmutableArray(), plan ?? AllStudies, new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A finished trial. With <paramref name="testCorrect"/> the test predictions get the argmax right exactly where
    /// it is true (label i mod 10) and the test accuracy is the fraction of trues; otherwise <paramref name="test"/>.
    /// </summary>
    public static TrialResultRecord Result(
        TrialSpec spec,
        double train,
        double dev,
        double test = double.NaN,
        bool[]? testCorrect = null,
        TrialStatus status = TrialStatus.Completed,
        IReadOnlyList<CurvePoint>? curve = null,
        double? f1 = null,
        double areaRatio = 0.8)
    {
        Predictions? predictions = null;
        if (testCorrect is not null)
        {
            predictions = PredictionsFor(testCorrect);
            test = testCorrect.Count(c => c) / (double)testCorrect.Length;
        }

        var count = testCorrect?.Length ?? 1000;
        var perClass = Enumerable.Range(0, Classes)
            .Select(k => new ClassMetrics(k, count / Classes, test, test, (f1 ?? test) + k * 0.001, areaRatio + k * 0.001))
            .ToList();
        var evaluation = new Evaluation(count, Classes, test, f1 ?? test, areaRatio, perClass, new int[Classes * Classes]);
        var row = new LeaderboardRow(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate,
            spec.Seed, status, 1000, train, dev, test, f1 ?? test, areaRatio, 1.5);
        return new TrialResultRecord(row, curve ?? Curve(dev), null, null, evaluation, null, predictions);
    }

    /// <summary>
    /// A finished trial whose test metrics are <see cref="MetricsCalculator"/>'s on seeded random softmax outputs
    /// (roughly <paramref name="skill"/> of the argmaxes right), as a real trial stores them.
    /// </summary>
    public static TrialResultRecord EvaluatedResult(TrialSpec spec, double skill, int images = 300)
    {
        var random = new Random(spec.Seed * 7919 + spec.Filters * 31 + spec.Architecture.Length);
        var labels = new int[images];
        var probabilities = new float[images * Classes];
        for (var i = 0; i < images; i++)
        {
            labels[i] = random.Next(Classes);
            var favoured = random.NextDouble() < skill ? labels[i] : random.Next(Classes);
            var logits = Enumerable.Range(0, Classes).Select(k => random.NextDouble() + (k == favoured ? 2.5 : 0)).ToArray();
            var sum = logits.Sum(Math.Exp);
            for (var k = 0; k < Classes; k++)
            {
                probabilities[i * Classes + k] = (float)(Math.Exp(logits[k]) / sum);
            }
        }

        var predictions = new Predictions(Classes, labels, probabilities);
        var test = MetricsCalculator.Evaluate(predictions);
        var row = new LeaderboardRow(spec.TrialId, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate,
            spec.Seed, TrialStatus.Completed, 1000, test.Accuracy + 0.1, test.Accuracy + 0.02, test.Accuracy, test.WeightedF1, test.WeightedAreaRatio, 2.5);
        return new TrialResultRecord(row, Curve(test.Accuracy + 0.02), null, null, test, null, predictions);
    }

    public static Predictions PredictionsFor(bool[] correct)
    {
        var labels = new int[correct.Length];
        var probabilities = new float[correct.Length * Classes];
        for (var i = 0; i < correct.Length; i++)
        {
            labels[i] = i % Classes;
            var predicted = correct[i] ? labels[i] : (labels[i] + 1) % Classes;
            for (var k = 0; k < Classes; k++)
            {
                probabilities[i * Classes + k] = k == predicted ? 0.55f : 0.05f;
            }
        }

        return new Predictions(Classes, labels, probabilities);
    }

    /// <summary>
    /// Correctness of two models on <paramref name="count"/> images with b images only the baseline gets right,
    /// c only the candidate, and <paramref name="both"/> both.
    /// </summary>
    public static (bool[] Baseline, bool[] Candidate) Discordant(int count, int b, int c, int both)
    {
        var baseline = new bool[count];
        var candidate = new bool[count];
        var i = 0;
        for (var k = 0; k < b; k++, i++)
        {
            baseline[i] = true;
        }

        for (var k = 0; k < c; k++, i++)
        {
            candidate[i] = true;
        }

        for (var k = 0; k < both; k++, i++)
        {
            baseline[i] = true;
            candidate[i] = true;
        }

        return (baseline, candidate);
    }

    /// <summary>A learning curve of 10 eval points (every 100 steps) rising to <paramref name="finalDev"/>.</summary>
    public static List<CurvePoint> Curve(double finalDev)
    {
        var points = new List<CurvePoint>();
        for (var step = 1; step <= 1000; step++)
        {
            var progress = step / 1000.0;
            var dev = step % 100 == 0 ? finalDev * Math.Min(1, 0.5 + progress) : double.NaN;
            points.Add(new CurvePoint(step, 2.3 * (1 - 0.7 * progress) + 0.05 * Math.Sin(step), 0.1 + 0.6 * progress + 0.05 * Math.Cos(step), dev));
        }

        return points;
    }

    /// <summary>A synthetic sweep of 2 datasets × 5 models × 5 learning rates × 20 seeds = 1 000 finished trials.</summary>
    public static (SweepDefinition Sweep, List<TrialResultRecord> Results) ThousandTrials(int testImages)
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        var random = new Random(42);
        (string Arch, int Filters)[] models = [("dnn", 0), ("cnn", 3), ("cnn", 32), ("cnn2", 3), ("cnn2", 32)];
        foreach (var dataset in new[] { "blobs", "stripes" })
        {
            foreach (var (arch, filters) in models)
            {
                foreach (var lr in new[] { 1e-4, 3e-4, 1e-3, 3e-3, 1e-2 })
                {
                    for (var seed = 0; seed < 20; seed++)
                    {
                        var spec = Spec(dataset, arch, filters, lr, seed);
                        specs.Add(spec);
                        var skill = 0.5 + 0.05 * filters / 32.0 + (arch == "dnn" ? 0 : 0.03) - Math.Abs(Math.Log10(lr) + 3) * 0.02;
                        var correct = Enumerable.Range(0, testImages).Select(_ => random.NextDouble() < skill).ToArray();
                        results.Add(Result(spec, skill + 0.1, skill + random.NextDouble() * 0.01, testCorrect: correct));
                    }
                }
            }
        }

        return (SweepOf(specs), results);
    }

    /// <summary>cifar10 (catalog): dnn, cnn f3/f8, cnn2 f3/f8, one lr, two seeds, with test predictions.</summary>
    /// <summary>The successive-halving settings of <see cref="SearchSweep"/>: rungs at 100, 300 and 900 of 1 000 steps.</summary>
    public static readonly Sweep.Grains.Search.AshaSettings SearchAsha = new("devAccuracy", 100, 1000, 3, Synchronous: false);

    /// <summary>
    /// A search sweep of five dnn trials at one learning rate: seeds 1 and 2 completed (dev 0.60, 0.70; 1 000 steps),
    /// seed 3 pruned at step 100 with the best dev accuracy of all (0.90), seed 4 paused at step 100 (no result),
    /// seed 5 pruned at step 300 (dev 0.50). Statuses give every trial's status and steps.
    /// </summary>
    public static (SweepDefinition Sweep, List<TrialResultRecord> Results, Dictionary<string, (TrialStatus Status, int Steps)> Statuses) SearchSweep()
    {
        var specs = Enumerable.Range(1, 5).Select(seed => Spec("blobs", "dnn", 0, 0.001, seed, sweepId: "asha")).ToList();
        static TrialResultRecord At(TrialResultRecord r, int steps) => r with { Row = r.Row with { Steps = steps } };
        var results = new List<TrialResultRecord>
        {
            Result(specs[0], 0.7, 0.60, 0.55),
            Result(specs[1], 0.8, 0.70, 0.65),
            At(Result(specs[2], 0.9, 0.90, 0.85, status: TrialStatus.Pruned), 100),
            At(Result(specs[4], 0.5, 0.50, 0.45, status: TrialStatus.Pruned), 300),
        };
        var statuses = results.ToDictionary(r => r.Row.TrialId, r => (r.Row.Status, r.Row.Steps), StringComparer.Ordinal);
        statuses[specs[3].TrialId] = (TrialStatus.Paused, 100);
        return (SweepOf(specs, new StudyPlan(), sweepId: "asha"), results, statuses);
    }

    public static (SweepDefinition Sweep, List<TrialResultRecord> Results) SmallFullSweep()
    {
        var specs = new List<TrialSpec>();
        var results = new List<TrialResultRecord>();
        (string Arch, int Filters, int Correct)[] models = [("dnn", 0, 40), ("cnn", 3, 50), ("cnn", 8, 56), ("cnn2", 3, 58), ("cnn2", 8, 62)];
        foreach (var (arch, filters, correct) in models)
        {
            foreach (var seed in new[] { 1, 2 })
            {
                var spec = Spec("cifar10", arch, filters, 0.001, seed, DatasetKind.Catalog);
                specs.Add(spec);
                var (_, flags) = Discordant(100, 0, correct + seed, 0);
                results.Add(Result(spec, 0.9, 0.5 + correct / 1000.0, testCorrect: flags));
            }
        }

        return (SweepOf(specs), results);
    }
}
