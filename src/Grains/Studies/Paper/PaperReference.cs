namespace Sweep.Grains.Studies.Paper;

/// <summary>The paper's numbers for one of its datasets (PAPER.md; Tables IV–IX, Sec. 5.10).</summary>
/// <param name="Tables">The paper's table numbers, e.g. "IV, V".</param>
public sealed record PaperReference(
    string Dataset,
    string Tables,
    IReadOnlyList<string> Models,
    IReadOnlyList<PaperModelResult> Accuracy,
    IReadOnlyList<PaperClassRow> PerClass,
    IReadOnlyList<PaperStudyNote> Studies);
