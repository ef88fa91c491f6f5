using Sweep.Model;

namespace Sweep.Client;

/// <summary>A command-line or environment mistake the user can fix: printed as one line on stderr, without a stack trace.</summary>
public sealed class CliException(string message, string? input = null, string? valid = null) : SweepUserException(message, input, valid);
