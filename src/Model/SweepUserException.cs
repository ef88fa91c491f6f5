namespace Sweep.Model;

/// <summary>
/// A failure the user caused and can fix (a grid, dataset, architecture, store, connection or command-line
/// problem), as opposed to a bug. Every error a user can cause derives from it; the CLI prints its message as one
/// line without a stack trace and treats every other exception as a bug. The message names the input and says
/// what would be valid; <see cref="Input"/> and <see cref="Valid"/> carry the same two facts for programs.
/// </summary>
public class SweepUserException : Exception
{
    public SweepUserException(string message, string? input = null, string? valid = null, Exception? inner = null)
        : base(message, inner)
    {
        Input = input;
        Valid = valid;
    }

    /// <summary>The input the error is about: a file, a field, a value, an id, an option; null when the message alone says it.</summary>
    public string? Input { get; }

    /// <summary>What would have been accepted, or how to fix it; null when the message alone says it.</summary>
    public string? Valid { get; }
}
