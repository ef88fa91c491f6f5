namespace Sweep.Grains.Studies;

/// <summary>How many of a sweep's planned trials are in each state.</summary>
/// <param name="Paused">Waiting at a rung of a successive-halving search: not finished.</param>
/// <param name="Pruned">Stopped at a rung by the search: finished, excluded from every mean.</param>
public sealed record TrialCounts(int Planned, int Completed, int Diverged, int Failed, int Cancelled, int Running, int Pending, int Paused = 0, int Pruned = 0);
