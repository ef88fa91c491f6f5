using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;
using Sweep.DashboardBench;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Views;

namespace Sweep.Bench;

/// <summary>
/// How long the read commands take as the store grows (issue 10, item 5): <c>sweep leaderboard --top 10</c>,
/// <c>sweep status</c> and <c>sweep trials --top 10</c> (and the whole <c>trials</c> listing) over a sweep of N trials
/// (<see cref="BenchStore"/>: 98 % finished), on the local store and on PostgreSQL. Each store is built once in a fixed
/// folder (<c>--root</c>, default /var/tmp/sweep-query-bench) and reused by later runs; PostgreSQL runs in a throwaway
/// server over that folder's data directory, started and stopped here. Every figure is the median (and range) of
/// <c>--runs</c> runs of the real CLI, process start included, by wall clock and by the CPU time of the process; with
/// <c>--before DIR</c> (the CLI built from the base commit) its runs alternate with ours, on a copy of the local store
/// (<c>local-N.before</c>, made once), after one untimed run of each. What grows with the store
/// (the base commit's commands, our whole <c>trials</c> listing) runs <c>--slow-runs</c> times (default: --runs). The in-process figures are
/// the store calls the commands make, on a fresh store object each run (no cache of this process), by wall clock.
/// </summary>
internal static partial class QueryBenchmark
{
    private const string SweepId = BenchStore.SweepId;

    public static async Task<int> RunAsync(IReadOnlyList<int> trialCounts, string backends, int runs, int slowRuns, string root, string? before, string? cli, bool small)
    {
        var after = cli ?? Path.Combine(RepositoryRoot(), "src", "Client", "bin", "Release", "net10.0", "sweep");
        if (!File.Exists(after))
        {
            Console.Error.WriteLine($"no CLI at {after}: build it first (dotnet build -c Release src/Client)");
            return 2;
        }

        // --before names the base commit's checkout (its build output is used), or a CLI executable of this version
        // (the same commands, as many runs: e.g. the build output beside the published CLI).
        var sameVersion = before is not null && File.Exists(before);
        var beforeCli = before is null || sameVersion ? before : Path.Combine(before, "src", "Client", "bin", "Release", "net10.0", "sweep");
        if (beforeCli is not null && !File.Exists(beforeCli))
        {
            Console.Error.WriteLine($"no CLI at {beforeCli}: build the base commit there first (dotnet build -c Release src/Client)");
            return 2;
        }

        Console.WriteLine($"# CLI measured: {after}{(beforeCli is null ? "" : $"; before: {beforeCli}")}");

        var (curve, predictions) = small ? (100, 100) : (2000, 2000);
        Console.WriteLine($"# query latency; {runs} runs each, median (min–max); results of {curve}-step curves and {predictions} test predictions; load {Load()}");
        Console.WriteLine($"# process start alone (sweep --version): {Describe(Time(after, ["--version"], runs))}");
        Console.WriteLine($"{"backend",-9} {"trials",7} {"command",-28} {"code",-7} {"wall ms",-22} {"cpu ms",-22} {"in-process ms",-16}");
        foreach (var n in trialCounts)
        {
            if (backends is "local" or "both")
            {
                var directory = Path.Combine(root, $"local-{n}{(small ? "-small" : "")}");
                await EnsureLocalAsync(directory, n, curve, predictions);
                var store = () => (ISweepStore)new LocalDirectorySweepStore(directory);
                // The base commit reads its own copy: either version may rewrite a store's index in its own format
                // (this one upgrades the index frames once), which would make the other rebuild it on every run.
                var beforeDirectory = beforeCli is null ? directory : CopyOnce(directory, directory + ".before");
                Measure("local", n, ["--store", directory], store, after, beforeCli, sameVersion, runs, slowRuns, ["--store", beforeDirectory]);
            }

            if (backends is "postgres" or "both")
            {
                var directory = Path.Combine(root, $"pg-{n}{(small ? "-small" : "")}");
                if (!File.Exists(CompleteMarker(directory)) && Directory.Exists(directory))
                {
                    // A store whose build did not finish is built again.
                    Directory.Delete(directory, recursive: true);
                }
                await using var server = await BenchPostgres.StartKeptAsync(directory);
                await EnsurePostgresAsync(server, n, curve, predictions);
                var store = () => (ISweepStore)new PostgresSweepStore(server.ConnectionString("postgres"));
                Measure("postgres", n, ["--cluster", server.ConnectionString("postgres")], store, after, beforeCli, sameVersion, runs, slowRuns, null);
            }
        }

        Console.WriteLine($"# load after: {Load()}");
        return 0;
    }

    private static void Measure(string backend, int n, string[] storeArguments, Func<ISweepStore> open, string after, string? before, bool sameVersion, int runs, int slowRuns, string[]? beforeStoreArguments)
    {
        var beforeStore = beforeStoreArguments ?? storeArguments;
        // One untimed run of each CLI first: an index rebuilt or rewritten in its format is not a query's cost.
        TimeOnce(after, ["status", .. storeArguments]);
        if (before is not null)
        {
            TimeOnce(before, ["status", .. beforeStore]);
        }

        (string Name, string[] Arguments, string[]? Before, Func<ISweepStore, Task> InProcess)[] commands =
        [
            ("leaderboard --top 10", ["leaderboard", "--sweep", SweepId, "--top", "10"], ["leaderboard", "--sweep", SweepId, "--top", "10"],
                async store =>
                {
                    var query = new LeaderboardQuery(SweepId, Top: 10);
                    await RankedLeaderboard.ReadVerifiedAsync(store, query, CancellationToken.None);
                    await store.GetSweepCountsAsync(SweepId);
                }),
            ("status", ["status"], ["status"], async store => await store.GetSweepCountsAsync(null)),
            // The base commit has no --top for trials: its only form lists every trial.
            ("trials --top 10", ["trials", SweepId, "--top", "10"], ["trials", SweepId], async store => await store.GetTrialPageAsync(SweepId, 0, 10)),
            ("trials (all)", ["trials", SweepId], null, async store => await store.GetTrialPageAsync(SweepId, 0, null)),
        ];
        foreach (var (name, arguments, baseArguments, inProcess) in commands)
        {
            var beforeArguments = sameVersion ? arguments : baseArguments;
            // The listings that grow with the store (every form of the base commit, and the whole trials listing)
            // run --slow-runs times: at 100 000 trials one run takes minutes.
            var slow = name == "trials (all)";
            var ours = new List<(double Wall, double Cpu)>();
            var theirs = new List<(double Wall, double Cpu)>();
            for (var run = 0; run < (slow ? slowRuns : runs); run++)
            {
                if (before is not null && beforeArguments is not null && (sameVersion || run < slowRuns))
                {
                    theirs.Add(TimeOnce(before, [.. beforeArguments, .. beforeStore]));
                }

                ours.Add(TimeOnce(after, [.. arguments, .. storeArguments]));
            }

            var inside = new List<double>();
            // One untimed call first: the in-process figures are the queries, not this process's JIT.
            if (!slow)
            {
                inProcess(open()).GetAwaiter().GetResult();
            }

            for (var run = 0; run < (slow ? slowRuns : runs); run++)
            {
                var store = open();
                var clock = Stopwatch.StartNew();
                inProcess(store).GetAwaiter().GetResult();
                inside.Add(clock.Elapsed.TotalMilliseconds);
                (store as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            if (theirs.Count > 0)
            {
                Console.WriteLine($"{backend,-9} {n,7} {(!sameVersion && name.StartsWith("trials --top", StringComparison.Ordinal) ? "trials (all; no --top)" : name),-28} {"before",-7} {Describe(theirs.Select(t => t.Wall)),-22} {Describe(theirs.Select(t => t.Cpu)),-22}");
            }

            Console.WriteLine($"{backend,-9} {n,7} {name,-28} {"after",-7} {Describe(ours.Select(t => t.Wall)),-22} {Describe(ours.Select(t => t.Cpu)),-22} {Describe(inside)}");
        }
    }

    /// <summary><paramref name="copy"/>, made from <paramref name="directory"/> unless it is already there (cp -a).</summary>
    private static string CopyOnce(string directory, string copy)
    {
        if (!Directory.Exists(copy))
        {
            Console.WriteLine($"copying {directory} to {copy} for the base commit's runs (once)");
            var cp = Process.Start(new ProcessStartInfo("cp", ["-a", directory, copy + ".partial"]) { UseShellExecute = false })!;
            cp.WaitForExit();
            if (cp.ExitCode != 0)
            {
                throw new IOException($"cp -a {directory} {copy}.partial failed ({cp.ExitCode})");
            }

            Directory.Move(copy + ".partial", copy);
        }

        return copy;
    }

    private static async Task EnsureLocalAsync(string directory, int n, int curve, int predictions)
    {
        var complete = Path.Combine(directory, ".bench-complete");
        if (File.Exists(complete))
        {
            return;
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Console.Error.WriteLine($"building a local store of {n} trials in {directory} (once; later runs reuse it)");
        var clock = Stopwatch.StartNew();
        await BenchStore.EnsureAsync(new LocalDirectorySweepStore(directory), n, curve, predictions);
        await File.WriteAllTextAsync(complete, $"{n}\n");
        Console.Error.WriteLine($"  built in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static string CompleteMarker(string directory) => Path.Combine(directory, "bench-complete");

    private static async Task EnsurePostgresAsync(BenchPostgres server, int n, int curve, int predictions)
    {
        if (File.Exists(CompleteMarker(server.Directory)))
        {
            await PostgresMigrator.MigrateAsync(server.ConnectionString("postgres"));
            return;
        }

        Console.Error.WriteLine($"building a PostgreSQL store of {n} trials (once; later runs reuse it)");
        var clock = Stopwatch.StartNew();
        await PostgresMigrator.MigrateAsync(server.ConnectionString("postgres"));
        await using (var store = new PostgresSweepStore(server.ConnectionString("postgres")))
        {
            await BenchStore.EnsureAsync(store, n, curve, predictions);
        }

        await using (var connection = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        await File.WriteAllTextAsync(CompleteMarker(server.Directory), $"{n}\n");
        Console.Error.WriteLine($"  built in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static List<(double Wall, double Cpu)> Time(string cli, string[] arguments, int runs) =>
        [.. Enumerable.Range(0, runs).Select(_ => TimeOnce(cli, arguments))];

    private static string Describe(List<(double Wall, double Cpu)> runs) =>
        $"wall {Describe(runs.Select(r => r.Wall))}, cpu {Describe(runs.Select(r => r.Cpu))}";

    /// <summary>One run of the CLI: wall milliseconds, and CPU milliseconds of the child (user + system).</summary>
    private static (double Wall, double Cpu) TimeOnce(string cli, string[] arguments)
    {
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var cpuBefore = ChildrenCpuMilliseconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var wall = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{cli} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
        }

        _ = output.Result;
        return (wall, ChildrenCpuMilliseconds() - cpuBefore);
    }

    private static string Describe(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return "not run";
        }
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{median:F0} ({sorted[0]:F0}–{sorted[^1]:F0})");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sweep.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Sweep.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>User + system CPU milliseconds of every child this process has waited for (getrusage RUSAGE_CHILDREN).</summary>
    private static double ChildrenCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || GetResourceUsage(-1, out var usage) != 0)
        {
            return double.NaN;
        }

        return (usage.UserSeconds + usage.SystemSeconds) * 1e3 + (usage.UserMicroseconds + usage.SystemMicroseconds) * 1e-3;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    /// <summary>The start of <c>struct rusage</c> (x86-64/arm64 Linux: two timevals, then 14 longs).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
    }
}
