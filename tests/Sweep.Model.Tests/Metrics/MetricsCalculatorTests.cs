using Sweep.Model.Metrics;

namespace Sweep.Model.Tests.Metrics;

public sealed class MetricsCalculatorTests
{
    private const double Tolerance = 1e-12;

    /// <summary>Two-class predictions from the probability of class 1 (class 0 gets 1 − p).</summary>
    private static Predictions Binary(int[] labels, float[] probabilityOfClass1)
    {
        var probabilities = new float[labels.Length * 2];
        for (var i = 0; i < labels.Length; i++)
        {
            probabilities[2 * i] = 1 - probabilityOfClass1[i];
            probabilities[2 * i + 1] = probabilityOfClass1[i];
        }
        return new Predictions(2, labels, probabilities);
    }

    /// <summary>O(n²) reference: the fraction of (positive, negative) pairs ranked right, ties counted half.</summary>
    private static double PairwiseAreaRatio(Predictions predictions, int positiveClass)
    {
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < predictions.Count; i++)
        {
            if (predictions.Labels[i] != positiveClass)
            {
                continue;
            }
            var positive = predictions.Probabilities[i * predictions.Classes + positiveClass];
            for (var j = 0; j < predictions.Count; j++)
            {
                if (predictions.Labels[j] == positiveClass)
                {
                    continue;
                }
                var negative = predictions.Probabilities[j * predictions.Classes + positiveClass];
                wins += positive > negative ? 1 : positive == negative ? 0.5 : 0;
                pairs++;
            }
        }
        return 2 * (wins / pairs) - 1;
    }

    [Fact]
    public void Evaluate_HandWorkedCaseWithTiedProbabilities()
    {
        // Class-1 probabilities: negatives {0.5, 0.2}, positives {0.5, 0.8}. Of the 4 pairs one is tied (½) and
        // three are ranked right, so AUC = 3.5/4 and AR = 2·0.875 − 1. Sample 2 is tied 0.5/0.5 and goes to class 0.
        var evaluation = MetricsCalculator.Evaluate(Binary([0, 0, 1, 1], [0.5f, 0.2f, 0.5f, 0.8f]));

        Assert.Equal([2, 0, 1, 1], evaluation.Confusion);
        Assert.Equal(3.0 / 4, evaluation.Accuracy, Tolerance);
        var class0 = evaluation.PerClass[0];
        var class1 = evaluation.PerClass[1];
        Assert.Equal(2.0 / 3, class0.Precision, Tolerance);
        Assert.Equal(1.0, class0.Recall, Tolerance);
        Assert.Equal(2 * (2.0 / 3) * 1.0 / (2.0 / 3 + 1.0), class0.F1, Tolerance);
        Assert.Equal(1.0, class1.Precision, Tolerance);
        Assert.Equal(0.5, class1.Recall, Tolerance);
        Assert.Equal(2 * 1.0 * 0.5 / (1.0 + 0.5), class1.F1, Tolerance);
        Assert.Equal(2 * (3.5 / 4) - 1, class0.AreaRatio, Tolerance);
        Assert.Equal(2 * (3.5 / 4) - 1, class1.AreaRatio, Tolerance);
        Assert.Equal((class0.F1 * 2 + class1.F1 * 2) / 4, evaluation.WeightedF1, Tolerance);
        Assert.Equal((class0.AreaRatio * 2 + class1.AreaRatio * 2) / 4, evaluation.WeightedAreaRatio, Tolerance);
        Assert.Equal(2, class0.Count);
        Assert.Equal(2, class1.Count);
    }

    [Fact]
    public void Evaluate_AllScoresTied_GivesAreaRatioZero()
    {
        var evaluation = MetricsCalculator.Evaluate(Binary([0, 1, 0, 1, 1], [0.3f, 0.3f, 0.3f, 0.3f, 0.3f]));

        Assert.Equal(0.0, evaluation.PerClass[0].AreaRatio, Tolerance);
        Assert.Equal(0.0, evaluation.PerClass[1].AreaRatio, Tolerance);
    }

    [Fact]
    public void Evaluate_ConfusionRowsAreTrueLabelsAndColumnsPredictions()
    {
        // One sample of class 2 predicted as class 0: row 2, column 0.
        var evaluation = MetricsCalculator.Evaluate(new Predictions(3, [2], [0.7f, 0.2f, 0.1f]));

        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 0, 0], evaluation.Confusion);
        Assert.Equal(0.0, evaluation.Accuracy);
    }

    [Fact]
    public void Evaluate_ClassNeverPredicted_HasZeroPrecisionRecallAndF1()
    {
        // Class 2 occurs twice and is never predicted: precision 0/0 := 0, recall 0/2, F1 0.
        float[] probabilities =
        [
            0.8f, 0.1f, 0.1f,
            0.1f, 0.8f, 0.1f,
            0.5f, 0.2f, 0.3f,
            0.2f, 0.5f, 0.3f,
        ];
        var evaluation = MetricsCalculator.Evaluate(new Predictions(3, [0, 1, 2, 2], probabilities));

        var class2 = evaluation.PerClass[2];
        Assert.Equal(2, class2.Count);
        Assert.Equal(0.0, class2.Precision);
        Assert.Equal(0.0, class2.Recall);
        Assert.Equal(0.0, class2.F1);
        Assert.Equal(0.5, evaluation.Accuracy, Tolerance);
        // Its ranking is still perfect: both class-2 samples score 0.3 against 0.1 for the rest.
        Assert.Equal(1.0, class2.AreaRatio, Tolerance);
        // Classes 0 and 1 each get one right and one class-2 sample wrong: P = 1/2, R = 1, F1 = 2/3.
        var f1 = 2 * 0.5 * 1.0 / (0.5 + 1.0);
        Assert.Equal(f1, evaluation.PerClass[0].F1, Tolerance);
        Assert.Equal((f1 * 1 + f1 * 1 + 0.0 * 2) / 4, evaluation.WeightedF1, Tolerance);
    }

    [Fact]
    public void Evaluate_AbsentClass_HasCountZeroAreaRatioZeroAndNoWeight()
    {
        // Class 2 never occurs; sample 1 is wrongly predicted as class 2.
        float[] probabilities =
        [
            0.6f, 0.3f, 0.1f,
            0.1f, 0.3f, 0.6f,
            0.2f, 0.7f, 0.1f,
        ];
        var evaluation = MetricsCalculator.Evaluate(new Predictions(3, [0, 1, 1], probabilities));

        var class2 = evaluation.PerClass[2];
        Assert.Equal(0, class2.Count);
        Assert.Equal(0.0, class2.AreaRatio);
        Assert.Equal(0.0, class2.Precision);
        Assert.Equal(0.0, class2.Recall);
        Assert.Equal(0.0, class2.F1);
        var weightedF1 = (evaluation.PerClass[0].F1 * 1 + evaluation.PerClass[1].F1 * 2) / 3;
        var weightedAreaRatio = (evaluation.PerClass[0].AreaRatio * 1 + evaluation.PerClass[1].AreaRatio * 2) / 3;
        Assert.Equal(weightedF1, evaluation.WeightedF1, Tolerance);
        Assert.Equal(weightedAreaRatio, evaluation.WeightedAreaRatio, Tolerance);
        Assert.All(evaluation.PerClass, c => Assert.True(double.IsFinite(c.AreaRatio) && double.IsFinite(c.F1)));
    }

    [Fact]
    public void Evaluate_PerfectRanking_GivesAreaRatioOne()
    {
        var evaluation = MetricsCalculator.Evaluate(Binary([0, 1, 0, 1, 1, 0], [0.1f, 0.9f, 0.3f, 0.6f, 0.7f, 0.2f]));

        Assert.Equal(1.0, evaluation.PerClass[0].AreaRatio, Tolerance);
        Assert.Equal(1.0, evaluation.PerClass[1].AreaRatio, Tolerance);
        Assert.Equal(1.0, evaluation.WeightedAreaRatio, Tolerance);
        Assert.Equal(1.0, evaluation.Accuracy, Tolerance);
        Assert.Equal(1.0, evaluation.WeightedF1, Tolerance);
    }

    [Fact]
    public void Evaluate_InvertedRanking_GivesAreaRatioMinusOne()
    {
        var evaluation = MetricsCalculator.Evaluate(Binary([0, 1, 0, 1, 1, 0], [0.9f, 0.1f, 0.7f, 0.4f, 0.3f, 0.8f]));

        Assert.Equal(-1.0, evaluation.PerClass[0].AreaRatio, Tolerance);
        Assert.Equal(-1.0, evaluation.PerClass[1].AreaRatio, Tolerance);
        Assert.Equal(-1.0, evaluation.WeightedAreaRatio, Tolerance);
        Assert.Equal(0.0, evaluation.Accuracy);
        Assert.Equal(0.0, evaluation.WeightedF1);
    }

    [Theory]
    [InlineData(1, 200, 3)]
    [InlineData(2, 500, 10)]
    [InlineData(3, 57, 4)]
    public void AreaRatio_MatchesPairwiseReferenceOnRandomDataWithTies(int seed, int count, int classes)
    {
        var random = new Random(seed);
        var labels = new int[count];
        var probabilities = new float[count * classes];
        for (var i = 0; i < count; i++)
        {
            labels[i] = random.Next(classes);
            for (var k = 0; k < classes; k++)
            {
                // Coarse steps force many ties; a bias toward the true class makes the ranking informative.
                var score = random.Next(8) + (k == labels[i] ? random.Next(4) : 0);
                probabilities[i * classes + k] = score / 12f;
            }
        }
        var predictions = new Predictions(classes, labels, probabilities);

        var evaluation = MetricsCalculator.Evaluate(predictions);

        for (var c = 0; c < classes; c++)
        {
            Assert.Equal(PairwiseAreaRatio(predictions, c), evaluation.PerClass[c].AreaRatio, 1e-9);
        }
        Assert.True(evaluation.WeightedAreaRatio > 0, "biased scores should rank better than chance");
    }

    [Fact]
    public void Evaluate_DoesNotDependOnSampleOrder()
    {
        var random = new Random(17);
        const int count = 300;
        const int classes = 5;
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
        var probabilities = Enumerable.Range(0, count * classes).Select(_ => random.Next(6) / 5f).ToArray();
        var permutation = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
        var permutedLabels = permutation.Select(i => labels[i]).ToArray();
        var permutedProbabilities = permutation.SelectMany(i => probabilities.Skip(i * classes).Take(classes)).ToArray();

        var original = MetricsCalculator.Evaluate(new Predictions(classes, labels, probabilities));
        var permuted = MetricsCalculator.Evaluate(new Predictions(classes, permutedLabels, permutedProbabilities));

        Assert.Equal(original.Confusion, permuted.Confusion);
        Assert.Equal(original.PerClass, permuted.PerClass);
        Assert.Equal(original.WeightedAreaRatio, permuted.WeightedAreaRatio);
    }

    [Fact]
    public void Evaluate_SplitOfOneClass_HasAreaRatioZeroForLackOfNegatives()
    {
        var evaluation = MetricsCalculator.Evaluate(Binary([1, 1, 1], [0.9f, 0.2f, 0.6f]));

        Assert.Equal(0.0, evaluation.PerClass[1].AreaRatio);
        Assert.Equal(0.0, evaluation.WeightedAreaRatio);
        Assert.Equal(2.0 / 3, evaluation.Accuracy, Tolerance);
        Assert.Equal(1.0, evaluation.PerClass[1].Precision);
    }

    [Fact]
    public void ArgMax_TiesGoToLowestIndexAndNaNNeverWins()
    {
        Assert.Equal(1, MetricsCalculator.ArgMax([0.2f, 0.4f, 0.4f]));
        Assert.Equal(2, MetricsCalculator.ArgMax([float.NaN, 0.1f, 0.5f]));
        Assert.Equal(0, MetricsCalculator.ArgMax([float.NaN, float.NaN]));
        Assert.Equal(1, MetricsCalculator.ArgMax([float.NaN, float.NegativeInfinity]));
    }

    [Fact]
    public void Evaluate_EmptySplit_GivesZeros()
    {
        var evaluation = MetricsCalculator.Evaluate(new Predictions(3, [], []));

        Assert.Equal(0, evaluation.Count);
        Assert.Equal(0.0, evaluation.Accuracy);
        Assert.Equal(0.0, evaluation.WeightedF1);
        Assert.Equal(0.0, evaluation.WeightedAreaRatio);
        Assert.Equal(3, evaluation.PerClass.Count);
    }

    [Fact]
    public void Evaluate_RejectsInconsistentPredictions()
    {
        var sizeError = Assert.Throws<ArgumentException>(() =>
            MetricsCalculator.Evaluate(new Predictions(3, [0, 1], new float[5])));
        Assert.Contains("5 probabilities", sizeError.Message);
        var labelError = Assert.Throws<ArgumentException>(() =>
            MetricsCalculator.Evaluate(new Predictions(2, [0, 2], new float[4])));
        Assert.Contains("Label 2", labelError.Message);
    }
}
