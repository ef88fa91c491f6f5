using System.Diagnostics;
using System.Globalization;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Bench;

/// <summary>
/// Grid search against ASHA and random search, each an embedded <c>sweep submit</c> of the real CLI on a fresh store,
/// over the same configurations: training steps used (sum over trials of the steps each trained), wall time, and the
/// configuration each picks (best dev accuracy among the trials that ran to the end), reported on test.
/// </summary>
public static class SearchBenchmark
{
    private const string FashionDirectory = "/usr/share/datasets/fashion-mnist";

    public static int Run(string? only)
    {
        var root = RepositoryRoot();
        var cli = Path.Combine(root, "src", "Client", "bin", "Release", "net10.0", "sweep.dll");
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"search: build the CLI first (dotnet build src/Client -c Release); no {cli}");
            return 2;
        }
        // Fixed, so that a rerun reuses the runs that finished (with the wall time they took) and redoes only the rest.
        var work = Path.Combine(Path.GetTempPath(), "sweep-search-bench");
        Directory.CreateDirectory(work);
        Console.WriteLine($"search benchmark: {Environment.ProcessorCount} cores, {CpuName()}, {DateTime.Now:yyyy-MM-dd HH:mm}, load {Load()}");
        Console.WriteLine($"{"data",-8} {"search",-30} {"trials",6} {"steps",8} {"of grid",8} {"wall s",7} {"picked (best dev)",-28} {"dev",6} {"test",6} {"Δ test",7}");
        foreach (var (name, dataset, training) in Datasets())
        {
            if (only is not null && !string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (name == "fashion" && !File.Exists(Path.Combine(FashionDirectory, "train-images-idx3-ubyte.gz")))
            {
                Console.WriteLine($"{name,-8} skipped: no {FashionDirectory} (apt-get install dataset-fashion-mnist)");
                continue;
            }
            Outcome? grid = null;
            foreach (var (label, search) in Searches())
            {
                var outcome = RunOne(cli, work, $"{name}-{label}", dataset, training, search);
                grid ??= outcome;
                var delta = (outcome.PickedTest - grid.PickedTest) * 100;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-8} {label,-30} {outcome.Trials,6} {outcome.Steps,8} {outcome.Steps / (double)grid.Steps,8:P0} {outcome.WallSeconds,7:F0} {outcome.Picked,-28} {outcome.PickedDev,6:P1} {outcome.PickedTest,6:P1} {delta,6:+0.0;-0.0}pt"));
            }
        }
        return 0;
    }

    /// <summary>25 configurations: dnn, cnn and cnn2 (3 and 16 filters) × 5 learning rates, one seed.</summary>
    private const string Axes = """
        "architectures": ["dnn", "cnn", "cnn2"],
        "filters": [3, 16],
        "learningRates": [0.0003, 0.001, 0.002, 0.005, 0.01],
        "seeds": [1]
        """;

    private static IEnumerable<(string Name, string Dataset, string Training)> Datasets()
    {
        yield return ("shapes",
            """{ "name": "shapes", "synthetic": "shapes", "trainSize": 10000, "testSize": 2000, "imageSize": 16, "seed": 1 }""",
            """{ "batchSize": 128, "steps": 1200, "evalEvery": 50, "devSize": 500, "checkpointEvery": 300 }""");
        yield return ("fashion",
            $$"""{ "name": "fashion", "format": "mnist", "path": "{{FashionDirectory}}" }""",
            """{ "batchSize": 128, "steps": 1200, "evalEvery": 50, "devSize": 2000, "checkpointEvery": 300 }""");
    }

    /// <summary>The grid itself first (the reference), then the searches over the same axes and budget.</summary>
    private static IEnumerable<(string Label, string? Search)> Searches()
    {
        yield return ("grid", null);
        yield return ("asha-eta3", """{ "asha": { "minSteps": 50, "maxSteps": 1200, "reductionFactor": 3 } }""");
        yield return ("asha-eta3-synchronous", """{ "asha": { "minSteps": 50, "maxSteps": 1200, "reductionFactor": 3, "synchronous": true } }""");
        yield return ("random-8", """{ "random": { "trials": 8, "seed": 1 } }""");
        yield return ("asha-eta3-random-25", """{ "asha": { "minSteps": 50, "maxSteps": 1200, "reductionFactor": 3, "random": { "trials": 25, "seed": 1 } } }""");
        // A first rung at 50 steps ranks noise on these sets (see bench/README.md); 150 steps is where curves separate.
        yield return ("asha-eta3-min150", """{ "asha": { "minSteps": 150, "maxSteps": 1200, "reductionFactor": 3 } }""");
        yield return ("asha-eta3-min150-synchronous", """{ "asha": { "minSteps": 150, "maxSteps": 1200, "reductionFactor": 3, "synchronous": true } }""");
        yield return ("asha-eta3-min150-random-25", """{ "asha": { "minSteps": 150, "maxSteps": 1200, "reductionFactor": 3, "random": { "trials": 25, "seed": 1 } } }""");
    }

    private static Outcome RunOne(string cli, string work, string name, string dataset, string training, string? search)
    {
        var store = Path.Combine(work, name);
        var wallFile = store + ".wall";
        var axes = search is not null && search.Contains("random", StringComparison.Ordinal)
            ? Axes.Replace("""[0.0003, 0.001, 0.002, 0.005, 0.01]""", """{ "logUniform": [0.0003, 0.01] }""", StringComparison.Ordinal)
                .Replace("""[3, 16]""", """{ "intRange": [3, 16] }""", StringComparison.Ordinal)
            : Axes;
        var grid = $$"""
            { "name": "{{name}}", "datasets": [{{dataset}}], {{axes}}, "training": {{training}}{{(search is null ? "" : ", \"search\": " + search)}} }
            """;
        var file = Path.Combine(work, name + ".json");
        File.WriteAllText(file, grid);
        if (!File.Exists(wallFile))
        {
            // A run that did not finish is started over: its wall time would not count.
            if (Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }
            File.WriteAllText(wallFile, Submit(cli, file, store).ToString("R", CultureInfo.InvariantCulture));
        }
        return Read(store, name, double.Parse(File.ReadAllText(wallFile), CultureInfo.InvariantCulture));
    }

    /// <summary>Runs <c>sweep submit</c> embedded on a fresh store; returns its wall seconds (CLI start included).</summary>
    internal static double Submit(string cli, string file, string store, params string[] options)
    {
        var clock = Stopwatch.StartNew();
        using (var process = Process.Start(new ProcessStartInfo("dotnet", [cli, "submit", file, "--store", store, .. options])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"sweep submit {file} exited {process.ExitCode}: {stderr.Result}");
            }
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static Outcome Read(string store, string name, double wall)
    {
        var results = new LocalDirectorySweepStore(store).GetResultsAsync(name).GetAwaiter().GetResult();
        var full = results.Where(r => r.Row.Status == TrialStatus.Completed).ToList();
        var picked = full.OrderByDescending(r => r.Row.DevAccuracy).ThenBy(r => r.Row.TrialId, StringComparer.Ordinal).First().Row;
        var label = $"{picked.Architecture}{(picked.Filters > 0 ? $"({picked.Filters})" : "")} lr {picked.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}";
        return new Outcome(results.Count, results.Sum(r => (long)r.Row.Steps), wall, label, picked.DevAccuracy, picked.TestAccuracy);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sweep.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("search: run from the repository (no Sweep.sln above the benchmark)");
    }

    internal static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    internal static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private sealed record Outcome(int Trials, long Steps, double WallSeconds, string Picked, double PickedDev, double PickedTest);
}
