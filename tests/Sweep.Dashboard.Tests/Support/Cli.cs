using Sweep.Client;

namespace Sweep.Dashboard.Tests.Support;

/// <summary>Runs the <c>sweep</c> command line in this process, as a script would, and captures what it prints.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Out, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await SweepCli.RunAsync(args, new CliConsole(stdout, stderr, IsTerminal: false), cancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The JSON a command prints with <c>--format json</c>; fails the test with its stderr if it failed.</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> JsonAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (code, output, error) = await RunAsync(cancellationToken, args);
        Assert.True(code == 0, $"sweep {string.Join(' ', args)} exited {code}: {error}");
        return System.Text.Json.Nodes.JsonNode.Parse(output)!;
    }
}
