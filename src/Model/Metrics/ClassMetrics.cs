namespace Sweep.Model.Metrics;

/// <summary>Per-class scores with one class positive and the rest negative (PAPER.md, Sec. 3.2).</summary>
public sealed record ClassMetrics(
    int Label,
    int Count,
    double Precision,
    double Recall,
    double F1,
    double AreaRatio);
