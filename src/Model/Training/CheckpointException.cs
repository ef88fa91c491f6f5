namespace Sweep.Model.Training;

/// <summary>A checkpoint that cannot be used: corrupt, truncated, an unknown version, or for other data.</summary>
public sealed class CheckpointException(string message) : SweepUserException(message);
