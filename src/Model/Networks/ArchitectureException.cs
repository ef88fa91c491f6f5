namespace Sweep.Model.Networks;

/// <summary>An architecture spec that cannot work; the message names the layer and the sizes.</summary>
public sealed class ArchitectureException(string message) : SweepUserException(message);
