namespace Sweep.Client;

/// <summary>Where a command writes: stdout for its result, stderr for errors and chatter.</summary>
/// <param name="IsTerminal">Stdout is an interactive terminal (live progress may redraw lines).</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsTerminal)
{
    public static CliConsole System => new(Console.Out, Console.Error, !Console.IsOutputRedirected);
}
