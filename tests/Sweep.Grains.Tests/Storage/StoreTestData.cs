using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Storage;

/// <summary>Sweeps, trials and results for the storage tests, all derived from fixed seeds.</summary>
internal static class StoreTestData
{
    public static readonly string[] Datasets = ["mnist", "cifar10"];
    public static readonly string[] Architectures = ["dnn", "cnn"];

    /// <summary>A sweep of <paramref name="trials"/> trials cycling through datasets and architectures.</summary>
    public static SweepDefinition Sweep(string sweepId, string gridHash = "hash-a", int trials = 4, DateTimeOffset? createdAt = null)
    {
        var specs = Enumerable.Range(0, trials).Select(i =>
        {
            var dataset = Datasets[i % Datasets.Length];
            var architecture = Architectures[(i / Datasets.Length) % Architectures.Length];
            var filters = architecture == "cnn" ? 8 << (i % 3) : 0;
            var learningRate = 1e-3 * (1 + (i % 5));
            var trialId = $"{sweepId}.{dataset}.{architecture}.f{filters}.lr{learningRate:R}.s{i}";
            return new TrialSpec(
                trialId,
                sweepId,
                new DatasetRef(dataset, DatasetKind.Synthetic, Generator: "blobs", TrainSize: 100, TestSize: 50, ImageSize: 8, Seed: 7),
                architecture,
                architecture,
                filters,
                learningRate,
                i,
                new TrainingSettings { Steps = 100 + i, CheckpointEvery = 10 });
        });
        return new SweepDefinition(
            sweepId,
            gridHash,
            $"{{\"name\":\"{sweepId}\"}}",
            specs.ToImmutableArray(),
            new StudyPlan { DenseVsConv = new StudyPair("dnn", "cnn"), Filters = true },
            createdAt ?? new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567));
    }

    /// <summary>A finished trial's result; metrics and predictions drawn from <paramref name="seed"/>.</summary>
    public static TrialResultRecord Result(
        TrialSpec trial,
        int seed,
        TrialStatus status = TrialStatus.Completed,
        double? testAccuracy = null,
        double? wallSeconds = null,
        int predictionCount = 200,
        int classes = 10)
    {
        var random = new Random(seed);
        var test = testAccuracy ?? random.NextDouble();
        var row = new LeaderboardRow(
            trial.TrialId, trial.SweepId, trial.Dataset.Name, trial.Architecture, trial.Filters, trial.LearningRate, trial.Seed,
            status, trial.Training.Steps, random.NextDouble(), random.NextDouble(), test, random.NextDouble(), random.NextDouble(),
            wallSeconds ?? (1 + (random.NextDouble() * 100)));
        var curve = Enumerable.Range(0, 25)
            .Select(i => new CurvePoint(i * 4, random.NextDouble() * 3, random.NextDouble(), i % 5 == 0 ? random.NextDouble() : double.NaN))
            .ToArray();
        return new TrialResultRecord(
            row,
            curve,
            Evaluation(random, classes, row.TrainAccuracy),
            Evaluation(random, classes, row.DevAccuracy),
            Evaluation(random, classes, test),
            Predictions(random, predictionCount, classes),
            Predictions(random, predictionCount + 7, classes));
    }

    public static Predictions Predictions(Random random, int count, int classes)
    {
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
        var probabilities = new float[count * classes];
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = random.NextSingle();
        }

        return new Predictions(classes, labels, probabilities);
    }

    /// <summary>Asserts that two results are the same, bit for bit where it matters (curves, predictions).</summary>
    public static void AssertSame(TrialResultRecord expected, TrialResultRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Row, actual.Row);
        Assert.Equal(expected.Curve.Count, actual.Curve.Count);
        for (var i = 0; i < expected.Curve.Count; i++)
        {
            var (e, a) = (expected.Curve[i], actual.Curve[i]);
            Assert.Equal(e.Step, a.Step);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.BatchCost), BitConverter.DoubleToInt64Bits(a.BatchCost));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.BatchAccuracy), BitConverter.DoubleToInt64Bits(a.BatchAccuracy));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.DevAccuracy), BitConverter.DoubleToInt64Bits(a.DevAccuracy));
        }

        Assert.Equal(Json(expected.Train), Json(actual.Train));
        Assert.Equal(Json(expected.Dev), Json(actual.Dev));
        Assert.Equal(Json(expected.Test), Json(actual.Test));
        AssertSame(expected.DevPredictions, actual.DevPredictions);
        AssertSame(expected.TestPredictions, actual.TestPredictions);
        Assert.Equal(expected.Error, actual.Error);
    }

    public static void AssertSame(Predictions? expected, Predictions? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Classes, actual.Classes);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.True(
            MemoryMarshal.AsBytes(expected.Probabilities.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual.Probabilities.AsSpan())),
            "probabilities differ bitwise");
    }

    private static string Json(Evaluation? evaluation) =>
        JsonSerializer.Serialize(evaluation, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static Evaluation Evaluation(Random random, int classes, double accuracy)
    {
        var perClass = Enumerable.Range(0, classes)
            .Select(c => new ClassMetrics(c, random.Next(1, 100), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble()))
            .ToList();
        var confusion = Enumerable.Range(0, classes * classes).Select(_ => random.Next(50)).ToArray();
        return new Evaluation(perClass.Sum(c => c.Count), classes, accuracy, random.NextDouble(), random.NextDouble() * 1e-7, perClass, confusion);
    }
}
