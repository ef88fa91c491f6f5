using System.Text.RegularExpressions;
using Sweep.Client;

namespace Sweep.Dashboard.Tests.Support;

/// <summary>
/// A long-running <c>sweep</c> command (dashboard, silo) in this process: its output readable while it runs, and
/// stopped the way Ctrl-C stops it.
/// </summary>
internal sealed partial class RunningCommand : IAsyncDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    public RunningCommand(params string[] args)
    {
        var console = new CliConsole(TextWriter.Synchronized(_out), TextWriter.Synchronized(_error), IsTerminal: false);
        _run = Task.Run(() => SweepCli.RunAsync(args, console, _stop.Token));
    }

    public string Output { get { lock (_out) { return _out.ToString(); } } }

    public string Error { get { lock (_error) { return _error.ToString(); } } }

    /// <summary>The dashboard address the command printed, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<Uri> AddressAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Address().Match(Output) is { Success: true } m)
            {
                return new Uri(m.Groups[1].Value);
            }
            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"The command ended ({await _run}) before printing an address: {Error}");
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No dashboard address within {timeout.TotalSeconds} s. stdout: {Output} stderr: {Error}");
    }

    /// <summary>Stops the command as Ctrl-C does and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }

    [GeneratedRegex(@"sweep dashboard: (http://\S+/)")]
    private static partial Regex Address();
}
