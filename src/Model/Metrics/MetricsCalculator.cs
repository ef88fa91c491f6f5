namespace Sweep.Model.Metrics;

/// <summary>Accuracy, F1 and area ratio exactly as PAPER.md Sec. 3.2. CONTRACT (owned by the data work, issue 2).</summary>
public static class MetricsCalculator
{
    public static Evaluation Evaluate(Predictions predictions) => throw new NotImplementedException("issue 2");
}
