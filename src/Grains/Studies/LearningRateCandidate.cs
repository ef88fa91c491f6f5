using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>One learning rate a model was trained at, with the dev accuracy that ranks it (test is never used).</summary>
public sealed record LearningRateCandidate(double LearningRate, SummaryStat? DevAccuracy, bool Complete);
