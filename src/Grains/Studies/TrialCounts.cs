namespace Sweep.Grains.Studies;

/// <summary>How many of a sweep's planned trials are in each state.</summary>
public sealed record TrialCounts(int Planned, int Completed, int Diverged, int Failed, int Cancelled, int Running, int Pending);
