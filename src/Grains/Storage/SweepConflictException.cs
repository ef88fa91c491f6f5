using Sweep.Model;

namespace Sweep.Grains.Storage;

/// <summary>A sweep id already exists with a different grid.</summary>
public sealed class SweepConflictException(string message) : SweepUserException(message);
