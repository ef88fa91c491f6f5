namespace Sweep.Grains.Studies;

/// <summary>
/// Candidate vs baseline at one learning rate (the one with the best mean dev accuracy over both), paired by seed.
/// </summary>
/// <param name="Study">dense-vs-conv, extra-conv-layer or filters.</param>
/// <param name="Complete">False when any planned trial of either side has no usable result yet (running,
/// pending, failed, cancelled): the numbers are then provisional and <see cref="Significant"/> is null.</param>
/// <param name="Significant">At the report's alpha. One seed: McNemar's exact p &lt; alpha. Two or more seeds:
/// the paired-t CI over seeds (seed-to-seed variation) AND the paired bootstrap CI (test-image sampling) both
/// exclude 0; without test predictions the t CI alone. The pooled and Fisher McNemar p-values are shown but do not
/// decide with several seeds: every seed is scored on the same test images, so they overstate the evidence.
/// Null when incomplete or undecidable.</param>
/// <param name="Verdict">The words the report prints.</param>
public sealed record ComparisonResult(
    string Study,
    ModelRef Baseline,
    ModelRef Candidate,
    double? LearningRate,
    bool Complete,
    IReadOnlyList<TrialRef> Missing,
    IReadOnlyList<string> Diverged,
    SummaryStat? BaselineTestAccuracy,
    SummaryStat? CandidateTestAccuracy,
    IReadOnlyList<SeedComparison> Seeds,
    DifferenceEstimate? Difference,
    McNemarSummary? McNemar,
    BootstrapSummary? Bootstrap,
    bool? Significant,
    string Verdict);
