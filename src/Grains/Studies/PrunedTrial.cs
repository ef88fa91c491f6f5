namespace Sweep.Grains.Studies;

/// <summary>A trial the search stopped at a rung: listed on its own, never in a mean, a comparison or a filter study.</summary>
/// <param name="Step">The step it stopped at (its rung).</param>
/// <param name="DevAccuracy">Its dev accuracy at that step, what the rung ranked it by.</param>
public sealed record PrunedTrial(string TrialId, string Dataset, ModelRef Model, double LearningRate, int Seed, int Step, double DevAccuracy);
