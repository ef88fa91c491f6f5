using System.Diagnostics;

namespace Sweep.Hosts.Tests;

/// <summary>Runs a program to its end with captured output and a deadline; a program that overruns is killed and reported.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public Result Check(string what) => ExitCode == 0
            ? this
            : throw new InvalidOperationException($"{what} exited with {ExitCode}:\n{Stdout}\n{Stderr}");
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Prepare(start, environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', start.ArgumentList)}' did not end within {timeout.TotalSeconds:0} s; stderr: {await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running program with stdout and stderr appended to <paramref name="log"/>.</summary>
    /// <remarks>
    /// Through <c>bash -c 'exec … &gt;&gt;log'</c>, and every program on the way execs the next (ip netns exec, the
    /// deploy scripts), so the returned process is the program itself: its pid is what kill -9 strikes.
    /// </remarks>
    public static Process StartLogged(IReadOnlyList<string> command, string log, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        start.ArgumentList.Add("sweep-hosts");
        start.ArgumentList.Add(log);
        foreach (var part in command)
        {
            start.ArgumentList.Add(part);
        }
        Prepare(start, environment);
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
    }

    private static void Prepare(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        // The test's own settings must not leak into the hosts it starts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SWEEP_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["SWEEP_CONFIGURATION"] = Repository.Configuration;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
    }
}
