using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sweep.Bench;

/// <summary>
/// What a sweep costs around its training: embedded <c>sweep submit</c> runs of N trivial trials (one step of a
/// 4-unit dense network on 2×2 images, about a millisecond of work each), 2 slots, by the wall clock. The
/// per-trial figure is (wall − wall of a one-trial sweep) / N: lease, start, status and result writes, progress,
/// the coordinator's bookkeeping, and the study at the end. Several N show whether it stays flat as the sweep grows.
/// With <c>--backend postgres</c> the same sweeps run on a cluster: a throwaway PostgreSQL server, one
/// <c>sweep silo</c> process with 2 slots, and <c>sweep submit --cluster … --wait</c> from a second process.
/// </summary>
public static class OrchestrationBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, string? cliOverride, string backend)
    {
        if (backend == "postgres")
        {
            return await RunClusterAsync(sizes, cliOverride);
        }
        return Run(sizes, cliOverride);
    }

    public static int Run(IReadOnlyList<int> sizes, string? cliOverride)
    {
        var root = SearchBenchmark.RepositoryRoot();
        var cli = cliOverride ?? Path.Combine(root, "src", "Client", "bin", "Release", "net10.0", "sweep.dll");
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"orchestration: build the CLI first (dotnet build src/Client -c Release); no {cli}");
            return 2;
        }
        var work = Path.Combine(Path.GetTempPath(), "sweep-orchestration-bench");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
        Directory.CreateDirectory(work);
        Console.WriteLine($"orchestration benchmark: {Environment.ProcessorCount} cores, {SearchBenchmark.CpuName()}, {DateTime.Now:yyyy-MM-dd HH:mm}, load {SearchBenchmark.Load()}, {cli}");
        var baseline = Submit(cli, work, 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1 trial: {baseline:F2} s (CLI and silo start, study)"));
        foreach (var n in sizes)
        {
            var wall = Submit(cli, work, n);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,6} trials: {wall,7:F1} s wall, {(wall - baseline) / n * 1000,6:F2} ms per trial, {n / (wall - baseline),6:F0} trials/s"));
        }
        Console.WriteLine($"load at end {SearchBenchmark.Load()}");
        return 0;
    }

    private static async Task<int> RunClusterAsync(IReadOnlyList<int> sizes, string? cliOverride)
    {
        var root = SearchBenchmark.RepositoryRoot();
        var cli = cliOverride ?? Path.Combine(root, "src", "Client", "bin", "Release", "net10.0", "sweep.dll");
        var work = Path.Combine(Path.GetTempPath(), "sweep-orchestration-bench-pg");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
        Directory.CreateDirectory(work);
        await using var postgres = await BenchPostgres.StartAsync();
        var cs = postgres.ConnectionString("postgres");
        var health = FreePort();
        using var silo = Process.Start(new ProcessStartInfo("dotnet",
            [cli, "silo", "--postgres", cs, "--slots", "2", "--port", $"{FreePort()}", "--gateway-port", $"{FreePort()}", "--advertise", "127.0.0.1", "--health-port", $"{health}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = silo.StandardOutput.ReadToEndAsync();
        _ = silo.StandardError.ReadToEndAsync();
        try
        {
            Run(cli, "health", $"127.0.0.1:{health}", "--wait", "120");
            Console.WriteLine($"orchestration benchmark (PostgreSQL 15, one silo, 2 slots): {Environment.ProcessorCount} cores, {SearchBenchmark.CpuName()}, {DateTime.Now:yyyy-MM-dd HH:mm}, load {SearchBenchmark.Load()}, {cli}");
            var baseline = SubmitCluster(cli, work, cs, 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1 trial: {baseline:F2} s (CLI start and connect, study)"));
            foreach (var n in sizes)
            {
                // Where the time goes: CPU of the database server's processes and of the silo over the sweep.
                var serverBefore = postgres.ServerCpuMs();
                silo.Refresh();
                var siloBefore = silo.TotalProcessorTime.TotalMilliseconds;
                var wall = SubmitCluster(cli, work, cs, n);
                silo.Refresh();
                var siloCpu = silo.TotalProcessorTime.TotalMilliseconds - siloBefore;
                var serverCpu = postgres.ServerCpuMs() - serverBefore;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n,6} trials: {wall,7:F1} s wall, {(wall - baseline) / n * 1000,6:F2} ms per trial, {n / (wall - baseline),6:F0} trials/s; CPU a trial: silo {siloCpu / n:F2} ms, database server {serverCpu / n:F2} ms"));
            }
            Console.WriteLine($"load at end {SearchBenchmark.Load()}");
        }
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
        return 0;
    }

    private static double SubmitCluster(string cli, string work, string cs, int trials)
    {
        var file = WriteGrid(work, trials);
        var clock = Stopwatch.StartNew();
        Run(cli, "submit", file, "--cluster", cs, "--wait");
        return clock.Elapsed.TotalSeconds;
    }

    private static void Run(string cli, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [cli, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sweep {string.Join(' ', arguments.Take(2))} exited {process.ExitCode}: {stderr.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Submit(string cli, string work, int trials)
    {
        var file = WriteGrid(work, trials);
        return SearchBenchmark.Submit(cli, file, Path.Combine(work, $"trivial-{trials}"), "--slots", "2");
    }

    private static string WriteGrid(string work, int trials)
    {
        var name = $"trivial-{trials}";
        var file = Path.Combine(work, name + ".json");
        File.WriteAllText(file, $$"""
            { "name": "{{name}}",
              "datasets": [{ "name": "blobs", "synthetic": "gaussian", "trainSize": 64, "testSize": 16, "imageSize": 2, "seed": 1 }],
              "architectures": [{ "name": "tiny", "spec": "dense4" }], "learningRates": [0.01],
              "seeds": [{{string.Join(",", Enumerable.Range(1, trials))}}],
              "training": { "batchSize": 8, "steps": 1, "evalEvery": 1, "devSize": 0, "checkpointEvery": 0 } }
            """);
        return file;
    }
}
