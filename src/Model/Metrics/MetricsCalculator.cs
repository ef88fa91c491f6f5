namespace Sweep.Model.Metrics;

/// <summary>
/// Accuracy, F1 and area ratio exactly as PAPER.md Sec. 3.2. CONTRACT (owned by the data work, issue 2).
/// </summary>
/// <remarks>
/// Conventions, chosen so that every metric is a finite number:
/// <list type="bullet">
/// <item>The predicted class is the arg-max of the probabilities; ties go to the lowest class index
/// (a NaN probability never wins).</item>
/// <item>F1 is the standard 2·P·R/(P+R) (the paper's eqs. 4–6 have typos, see PAPER.md). Precision with no
/// predictions of the class, recall with no samples of it, and F1 with P + R = 0 are all 0 (0/0 := 0).</item>
/// <item>The area ratio of the lift curve equals 2·AUC − 1 (PAPER.md), where AUC is the Mann–Whitney statistic
/// of the class's predicted probability, positives against the rest, ties counted half (average ranks).
/// A class with no positives or no negatives in the split has AR 0; absent classes also get weight 0 in the
/// weighted averages, which weigh each class by its count N_i.</item>
/// <item>An empty split has accuracy, weighted F1 and weighted AR 0.</item>
/// </list>
/// </remarks>
public static class MetricsCalculator
{
    /// <summary>Computes the confusion matrix and every metric of one split.</summary>
    /// <exception cref="ArgumentException">The predictions are inconsistent (a bug in the caller).</exception>
    public static Evaluation Evaluate(Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var classes = predictions.Classes;
        var count = predictions.Count;
        var labels = predictions.Labels;
        var probabilities = predictions.Probabilities;
        Validate(classes, labels, probabilities);

        var confusion = new int[classes * classes];
        var correct = 0;
        for (var i = 0; i < count; i++)
        {
            var predicted = ArgMax(probabilities.AsSpan(i * classes, classes));
            confusion[labels[i] * classes + predicted]++;
            if (predicted == labels[i])
            {
                correct++;
            }
        }

        var perClass = new ClassMetrics[classes];
        var scores = new float[count];
        var order = new int[count];
        double weightedF1 = 0;
        double weightedAreaRatio = 0;
        for (var c = 0; c < classes; c++)
        {
            var truePositives = confusion[c * classes + c];
            var actual = 0;
            var predicted = 0;
            for (var k = 0; k < classes; k++)
            {
                actual += confusion[c * classes + k];
                predicted += confusion[k * classes + c];
            }
            var precision = Ratio(truePositives, predicted);
            var recall = Ratio(truePositives, actual);
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            var areaRatio = AreaRatio(c, classes, labels, probabilities, actual, scores, order);
            perClass[c] = new ClassMetrics(c, actual, precision, recall, f1, areaRatio);
            weightedF1 += f1 * actual;
            weightedAreaRatio += areaRatio * actual;
        }

        return new Evaluation(
            count,
            classes,
            count > 0 ? (double)correct / count : 0,
            count > 0 ? weightedF1 / count : 0,
            count > 0 ? weightedAreaRatio / count : 0,
            perClass,
            confusion);
    }

    /// <summary>The predicted class of one probability row: index of the largest value; ties go to the lowest index,
    /// NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        var bestValue = float.NegativeInfinity;
        var found = false;
        for (var k = 0; k < values.Length; k++)
        {
            if (values[k] > bestValue || (!found && !float.IsNaN(values[k])))
            {
                best = k;
                bestValue = values[k];
                found = true;
            }
        }
        return best;
    }

    /// <summary>
    /// AR = 2·AUC − 1 with AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀), R₁ the sum of the positives' ranks in the sorted
    /// scores, tied scores sharing their average rank (Mann–Whitney U).
    /// </summary>
    /// <param name="scores">Scratch, shape: [count].</param>
    /// <param name="order">Scratch, shape: [count].</param>
    private static double AreaRatio(
        int positiveClass, int classes, int[] labels, float[] probabilities, int positives, float[] scores, int[] order)
    {
        var count = labels.Length;
        var negatives = count - positives;
        if (positives == 0 || negatives == 0)
        {
            return 0;
        }
        for (var i = 0; i < count; i++)
        {
            scores[i] = probabilities[i * classes + positiveClass];
            order[i] = i;
        }
        // Array.Sort is not stable, but tied scores share one rank, so the rank sum does not depend on their order.
        Array.Sort(scores, order);
        double positiveRankSum = 0;
        var start = 0;
        while (start < count)
        {
            var end = start + 1;
            while (end < count && scores[end].Equals(scores[start]))
            {
                end++;
            }
            // Ranks start+1 … end (1-based) share their mean.
            var averageRank = (start + 1 + end) / 2.0;
            for (var j = start; j < end; j++)
            {
                if (labels[order[j]] == positiveClass)
                {
                    positiveRankSum += averageRank;
                }
            }
            start = end;
        }
        var u = positiveRankSum - positives * (positives + 1.0) / 2.0;
        var auc = u / ((double)positives * negatives);
        return 2 * auc - 1;
    }

    private static double Ratio(int numerator, int denominator) =>
        denominator > 0 ? (double)numerator / denominator : 0;

    private static void Validate(int classes, int[] labels, float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "Metrics need at least 2 classes.");
        }
        if ((long)labels.Length * classes != probabilities.Length)
        {
            throw new ArgumentException(
                $"{probabilities.Length} probabilities do not make {labels.Length} rows of {classes} classes.",
                nameof(probabilities));
        }
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Label {labels[i]} of sample {i} is outside [0, {classes}).", nameof(labels));
            }
        }
    }
}
