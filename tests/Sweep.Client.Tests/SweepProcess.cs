using System.Diagnostics;
using System.Reflection;

namespace Sweep.Client.Tests;

/// <summary>Runs the built <c>sweep</c> executable (dotnet exec sweep.dll) as a separate process.</summary>
public static class SweepProcess
{
    /// <summary>src/Client's own build output for this test build's configuration.</summary>
    public static string DllPath
    {
        get
        {
            var configuration = typeof(SweepProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sweep.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is null)
            {
                throw new InvalidOperationException($"Sweep.sln not found above {AppContext.BaseDirectory}");
            }
            var dll = Path.Combine(dir.FullName, "src", "Client", "bin", configuration, "net10.0", "sweep.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"the sweep CLI is not built at {dll}");
        }
    }

    public static async Task<CliRun> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sweep {string.Join(' ', args)} did not end within {timeout.TotalSeconds:0} s; stderr: {await stderr}");
        }
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI with redirected output; the caller reads or discards it and ends the process.</summary>
    public static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("SWEEP_POSTGRES");
        start.Environment.Remove("SWEEP_HOME");
        return Process.Start(start)!;
    }
}
