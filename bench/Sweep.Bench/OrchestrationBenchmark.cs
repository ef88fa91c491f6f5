using System.Globalization;

namespace Sweep.Bench;

/// <summary>
/// What a sweep costs around its training: embedded <c>sweep submit</c> runs of N trivial trials (one step of a
/// 4-unit dense network on 2×2 images, about a millisecond of work each), 2 slots, by the wall clock. The
/// per-trial figure is (wall − wall of a one-trial sweep) / N: lease, start, status and result writes, progress,
/// the coordinator's bookkeeping, and the study at the end. Several N show whether it stays flat as the sweep grows.
/// </summary>
public static class OrchestrationBenchmark
{
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

    private static double Submit(string cli, string work, int trials)
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
        return SearchBenchmark.Submit(cli, file, Path.Combine(work, name), "--slots", "2");
    }
}
