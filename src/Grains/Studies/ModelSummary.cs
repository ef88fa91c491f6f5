using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>
/// One model of a dataset at the learning rate with the best mean dev accuracy: the row of the accuracy table
/// (paper Tables IV, VI, VIII), its column of the per-class table, and its convergence step.
/// </summary>
/// <param name="ChosenLearningRate">Null when no trial of the model has completed.</param>
/// <param name="TrialIds">The completed trials (one per seed) behind the numbers.</param>
/// <param name="Missing">Planned trials of the model (any learning rate) without a usable result: pending, paused,
/// running, failed or cancelled.</param>
/// <param name="Diverged">Trials that diverged: reported, excluded from every mean.</param>
/// <param name="ConvergenceStep">First eval step within the tolerance of the final dev accuracy, over seeds.</param>
public sealed record ModelSummary(
    ModelRef Model,
    double? ChosenLearningRate,
    IReadOnlyList<LearningRateCandidate> Candidates,
    SummaryStat? TrainAccuracy,
    SummaryStat? DevAccuracy,
    SummaryStat? TestAccuracy,
    SummaryStat? TestWeightedF1,
    SummaryStat? TestWeightedAreaRatio,
    IReadOnlyList<ClassSummary> PerClass,
    SummaryStat? ConvergenceStep,
    IReadOnlyList<string> TrialIds,
    IReadOnlyList<TrialRef> Missing,
    IReadOnlyList<string> Diverged,
    bool Complete);
