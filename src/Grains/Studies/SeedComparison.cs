using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>
/// One seed of a comparison: both trials' test accuracies and McNemar's exact test on their test predictions.
/// </summary>
/// <param name="BaselineOnlyCorrect">b: test images the baseline gets right and the candidate wrong (null without predictions).</param>
/// <param name="CandidateOnlyCorrect">c: the other way round.</param>
public sealed record SeedComparison(
    int Seed,
    string BaselineTrialId,
    string CandidateTrialId,
    double BaselineTestAccuracy,
    double CandidateTestAccuracy,
    double Difference,
    int? BaselineOnlyCorrect,
    int? CandidateOnlyCorrect,
    double? McNemarPValue);
