using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>
/// Candidate vs baseline at one learning rate (the one with the best mean dev accuracy over both), paired by seed.
/// </summary>
/// <param name="Study">dense-vs-conv, extra-conv-layer or filters.</param>
/// <param name="Complete">False when any planned trial of either side has no usable result yet (running,
/// pending, failed, cancelled): the numbers are then provisional and <see cref="Significant"/> is null.</param>
/// <param name="Significant">The paired test on the test-set predictions at the report's alpha. One seed:
/// McNemar's exact p &lt; alpha. Two or more seeds: the paired bootstrap CI (one resample of the test images shared
/// by both models and every seed) excludes 0 — the pooled and Fisher McNemar p-values are shown but do not decide,
/// since every seed is scored on the same images and they would count each image once per seed. Without test
/// predictions and with two or more seeds: the paired-t CI. Null when incomplete or undecidable.</param>
/// <param name="RobustAcrossSeeds">With two or more seeds: whether the paired-t CI over seeds (training-seed
/// variation) excludes 0. Null with fewer than two seeds.</param>
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
    bool? RobustAcrossSeeds,
    string Verdict);
