namespace Sweep.Client.Tests.BadInput;

/// <summary>
/// One store holding the finished sweep 'tiny' (<see cref="TinyGrids.Valid"/>: 4 trials), trained once per test
/// run by an in-process <c>sweep submit</c> and copied by each test that damages it.
/// </summary>
public static class FinishedStore
{
    public const string SweepId = "tiny";

    private static readonly Lazy<Task<string>> Store = new(BuildAsync);

    public static Task<string> PathAsync() => Store.Value;

    /// <summary>The id of one of its trials (the first dnn trial).</summary>
    public const string TrialId = "tiny.gauss.dnn.f0.lr0.01.s1";

    private static async Task<string> BuildAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "sweep-finished-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var grid = Path.Combine(root, "tiny.json");
        await File.WriteAllTextAsync(grid, TinyGrids.Valid);
        var store = Path.Combine(root, "store");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await SweepCli.RunAsync(["submit", grid, "--store", store, "--slots", "2"], new CliConsole(stdout, stderr, IsTerminal: false));
        if (code != 0)
        {
            throw new InvalidOperationException($"could not train the store the bad-input tests damage (exit {code}): {stderr}");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return store;
    }
}
