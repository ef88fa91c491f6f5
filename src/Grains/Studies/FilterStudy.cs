namespace Sweep.Grains.Studies;

/// <summary>
/// Test metrics against the filter count for one conv architecture, all at one learning rate (the best mean dev
/// accuracy averaged over the filter counts), so rows and gains agree.
/// </summary>
public sealed record FilterStudy(string Architecture, double? LearningRate, bool Complete, IReadOnlyList<FilterStudyRow> Rows);
