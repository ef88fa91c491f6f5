using System.Diagnostics;
using System.Globalization;

namespace Sweep.Bench;

/// <summary>
/// How a sweep uses the whole machine, all by the wall clock, in one sitting:
/// <list type="number">
/// <item>the ceiling: one process of our matrix multiply, then one per core at once (what the machine itself can scale to);</item>
/// <item>C equal trials with one slot on one core, then with C slots on C cores (embedded <c>sweep submit</c>, CLI start included);</item>
/// <item>makespans of the quickstart and of a 60-trial mixed grid with the CLI built from this tree and, given
/// <c>--before DLL</c>, with an older build (grid-order queue, one thread per trial), alternating.</item>
/// </list>
/// </summary>
public static class ScalingBenchmark
{
    private const string Shapes = """{ "name": "shapes", "synthetic": "shapes", "trainSize": 10000, "testSize": 2000, "imageSize": 16, "seed": 1 }""";
    private const string Training = """{ "batchSize": 128, "steps": 1200, "evalEvery": 50, "devSize": 500, "checkpointEvery": 100 }""";

    public static int Run(string? beforeCli, int rounds)
    {
        var root = SearchBenchmark.RepositoryRoot();
        var cli = Path.Combine(root, "src", "Client", "bin", "Release", "net10.0", "sweep.dll");
        var bench = typeof(ScalingBenchmark).Assembly.Location;
        if (!File.Exists(cli) || beforeCli is not null && !File.Exists(beforeCli))
        {
            Console.Error.WriteLine($"scaling: build the CLI first (dotnet build src/Client -c Release); no {(File.Exists(cli) ? beforeCli : cli)}");
            return 2;
        }
        var cores = Environment.ProcessorCount;
        var work = Path.Combine(Path.GetTempPath(), "sweep-scaling-bench");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
        Directory.CreateDirectory(work);
        Console.WriteLine($"scaling benchmark: {cores} cores, {SearchBenchmark.CpuName()}, {DateTime.Now:yyyy-MM-dd HH:mm}, load {SearchBenchmark.Load()}");

        var one = MatMulProcesses(bench, 1, seconds: 4);
        var all = MatMulProcesses(bench, cores, seconds: 4);
        var ceiling = all.Sum() / one[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"matmul 1024^3, wall clock: 1 process {one[0]:F1} GFLOP/s; {cores} at once {string.Join(" + ", all.Select(g => g.ToString("F1", CultureInfo.InvariantCulture)))} = {all.Sum():F1} ({ceiling:F2}x)"));

        // Long enough (about 8 s a trial on one core) that starting the CLI and the silo, paid once by both runs, is small.
        var equal = Grid(work, "equal", $$"""
            "architectures": ["cnn"], "filters": [16], "learningRates": [0.002], "seeds": [{{string.Join(", ", Enumerable.Range(1, 4 * cores))}}]
            """, Training.Replace("\"steps\": 1200", "\"steps\": 2400", StringComparison.Ordinal));
        var serial = Submit(cli, equal, Path.Combine(work, "equal-1"), "--slots", "1", "--cores", "1");
        var parallel = Submit(cli, equal, Path.Combine(work, "equal-c"), "--slots", $"{cores}", "--cores", $"{cores}");
        var speedup = serial / parallel;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{4 * cores} equal cnn(16) trials: 1 slot {serial:F1} s, {cores} slots {parallel:F1} s: {speedup:F2}x ({speedup / cores:P0} of {cores}x; {speedup / ceiling:P0} of the matmul processes' {ceiling:F2}x)"));

        var quickstart = Path.Combine(root, "examples", "quickstart.json");
        var mixed = Grid(work, "mixed", """
            "architectures": ["dnn", "cnn", "cnn2"], "filters": [4, 16], "learningRates": [0.001, 0.002, 0.005], "seeds": [1, 2, 3, 4]
            """);
        Console.WriteLine($"makespan, {cores} slots, wall s (CLI start included), {rounds} alternating rounds:");
        foreach (var (label, grid) in new[] { ("quickstart (15 trials)", quickstart), ("mixed (60 trials)", mixed) })
        {
            var after = new List<double>();
            var before = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                if (beforeCli is not null)
                {
                    before.Add(Submit(beforeCli, grid, Path.Combine(work, $"before-{round}-{Path.GetFileName(grid)}")));
                }
                after.Add(Submit(cli, grid, Path.Combine(work, $"after-{round}-{Path.GetFileName(grid)}")));
            }
            var line = string.Create(CultureInfo.InvariantCulture, $"  {label,-24} now {Median(after),6:F1} ({string.Join(" ", after.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))})");
            if (before.Count > 0)
            {
                line += string.Create(CultureInfo.InvariantCulture,
                    $"  before {Median(before),6:F1} ({string.Join(" ", before.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))})  {Median(before) / Median(after):F2}x");
            }
            Console.WriteLine(line);
        }
        Console.WriteLine($"load at end {SearchBenchmark.Load()}");
        return 0;
    }

    /// <summary>The worker side: one matrix multiply of 1024³ on one thread, timed by the wall clock from a common start.</summary>
    public static int MatMulWorker(long startAtUnixMs, double seconds)
    {
        CpuClock.UseWallTime();
        MatMulBenchmark.Measure(1024, 0.3);
        var wait = startAtUnixMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (wait > 0)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(wait));
        }
        Console.WriteLine(MatMulBenchmark.Measure(1024, seconds).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static double[] MatMulProcesses(string bench, int count, double seconds)
    {
        // Every process warms up, then all measure over the same interval.
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3000;
        var processes = Enumerable.Range(0, count).Select(_ => Process.Start(new ProcessStartInfo("dotnet",
            [bench, "matmul-worker", start.ToString(CultureInfo.InvariantCulture), seconds.ToString("R", CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        })!).ToList();
        var rates = processes.Select(p => double.Parse(p.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture)).ToArray();
        foreach (var p in processes)
        {
            p.WaitForExit();
            p.Dispose();
        }
        return rates;
    }

    private static string Grid(string work, string name, string axes, string training = Training)
    {
        var file = Path.Combine(work, name + ".json");
        File.WriteAllText(file, $$"""{ "name": "{{name}}", "datasets": [{{Shapes}}], {{axes}}, "training": {{training}} }""");
        return file;
    }

    private static double Submit(string cli, string grid, string store, params string[] options) =>
        SearchBenchmark.Submit(cli, grid, store, options);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
