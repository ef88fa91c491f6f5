namespace Sweep.Grains.Studies.Paper;

/// <summary>One row of the paper's per-class table; F1 and AreaRatio in the order of <see cref="PaperReference.Models"/>.</summary>
public sealed record PaperClassRow(int Label, string Name, int Count, IReadOnlyList<double> F1, IReadOnlyList<double> AreaRatio);
