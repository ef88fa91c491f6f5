namespace Sweep.Client;

/// <summary>A failure the user can fix: printed as one line on stderr, without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
