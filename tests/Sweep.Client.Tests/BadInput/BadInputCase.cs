namespace Sweep.Client.Tests.BadInput;

/// <summary>
/// One bad input: what it arranges in a fresh workspace, the command line it runs, its exit code, and the fragments
/// its one stderr line must contain (the input it names, what would be valid).
/// </summary>
/// <param name="Class">grid, dataset, store, cli or connection: the closing note counts cases per class.</param>
public sealed record BadInputCase(string Class, int ExitCode, Func<BadInputWorkspace, Task<(string[] Args, string[] Expected)>> Arrange);
