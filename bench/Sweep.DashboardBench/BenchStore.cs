using System.Collections.Immutable;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.DashboardBench;

/// <summary>
/// A sweep "bench" of N trials (2 datasets × 3 architectures × filters × 5 learning rates × seeds), 98 % finished
/// with results of realistic size (a 2 000-step curve, 10-class evaluations, 2 000 test predictions), the rest running.
/// Shared with Sweep.Bench's query benchmark (linked there), which may ask for smaller results.
/// </summary>
internal static class BenchStore
{
    public const string SweepId = "bench";

    /// <param name="curveSteps">Points of each learning curve (2 000: realistic).</param>
    /// <param name="testPredictions">Test-set predictions per result (2 000: realistic; the dev set has half).</param>
    public static async Task<SweepDefinition> EnsureAsync(ISweepStore store, int trials, int curveSteps = 2000, int testPredictions = 2000)
    {
        if (await store.GetSweepAsync(SweepId) is { } existing)
        {
            return existing;
        }
        string[] datasets = ["mnist", "cifar10"];
        string[] architectures = ["dnn", "cnn", "cnn2"];
        double[] rates = [0.0005, 0.001, 0.002, 0.005, 0.01];
        var specs = Enumerable.Range(0, trials).Select(i =>
        {
            var dataset = datasets[i % 2];
            var architecture = architectures[i / 2 % 3];
            var filters = architecture == "dnn" ? 0 : 3 << (i / 6 % 4);
            var lr = rates[i / 24 % 5];
            var seed = i / 6; // unique per (dataset, architecture), so dnn (filters 0) never repeats an id
            return new TrialSpec($"{SweepId}.{dataset}.{architecture}.f{filters}.lr{lr:R}.s{seed}", SweepId,
                new DatasetRef(dataset, DatasetKind.Catalog), architecture, architecture, filters, lr, seed,
                new TrainingSettings { Steps = 2000 });
        }).ToImmutableArray();
        var sweep = await store.CreateSweepAsync(new SweepDefinition(SweepId, "bench-hash", "{}", specs,
            new StudyPlan { DenseVsConv = new StudyPair("dnn", "cnn"), ExtraConvLayer = new StudyPair("cnn", "cnn2"), Filters = true }, DateTimeOffset.UtcNow));
        var written = 0;
        await Parallel.ForEachAsync(sweep.Trials.Select((t, i) => (t, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, ct) =>
        {
            var (trial, i) = item;
            if (i % 50 == 0)
            {
                await store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, 1000, ct);
            }
            else
            {
                await store.SaveResultAsync(Result(trial, i, curveSteps, testPredictions), ct);
            }
            if (Interlocked.Increment(ref written) % 5000 == 0)
            {
                Console.Error.WriteLine($"  {written} / {trials} trials written");
            }
        });
        return sweep;
    }

    private static TrialResultRecord Result(TrialSpec trial, int seed, int curveSteps, int testPredictions)
    {
        var random = new Random(seed);
        var quality = 0.5 + 0.4 * random.NextDouble();
        var curve = Enumerable.Range(1, curveSteps).Select(s => new CurvePoint(s, 2.3 * Math.Exp(-s / 400.0) + 0.1 * random.NextDouble(),
            quality * (1 - Math.Exp(-s / 300.0)), s % 100 == 0 ? quality * (1 - Math.Exp(-s / 300.0)) : double.NaN)).ToArray();
        var row = new LeaderboardRow(trial.TrialId, trial.SweepId, trial.Dataset.Name, trial.Architecture, trial.Filters, trial.LearningRate,
            trial.Seed, TrialStatus.Completed, 2000, quality + 0.05, quality, quality - 0.01, quality - 0.02, 0.9, 30 + 10 * random.NextDouble());
        return new TrialResultRecord(row, curve, Evaluation(random, quality + 0.05), Evaluation(random, quality), Evaluation(random, quality - 0.01),
            Predictions(random, testPredictions / 2), Predictions(random, testPredictions));
    }

    private static Evaluation Evaluation(Random random, double accuracy)
    {
        const int classes = 10;
        var confusion = new int[classes * classes];
        for (var i = 0; i < confusion.Length; i++)
        {
            confusion[i] = i % (classes + 1) == 0 ? 180 : random.Next(5);
        }
        var perClass = Enumerable.Range(0, classes).Select(k => new ClassMetrics(k, 200, accuracy, accuracy, accuracy, 0.9)).ToArray();
        return new Evaluation(2000, classes, accuracy, accuracy, 0.9, perClass, confusion);
    }

    private static Predictions Predictions(Random random, int count)
    {
        const int classes = 10;
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
        var probabilities = new float[count * classes];
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = random.NextSingle() / classes;
        }
        return new Predictions(classes, labels, probabilities);
    }
}
