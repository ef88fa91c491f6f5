namespace Sweep.Grains.Studies;

/// <summary>How many trials of a search trained up to a rung's step (the ones paused or pruned there included).</summary>
public sealed record RungReach(int Step, int Reached);
