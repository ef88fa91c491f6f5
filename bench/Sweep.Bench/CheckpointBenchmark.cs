using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Storage.Postgres;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Bench;

/// <summary>
/// What checkpoints cost a trial at the default interval (<see cref="CheckpointInterval.Default"/>, the grid's
/// <c>"auto"</c>), and at the former default of every 500 steps, per preset and shape: training time per interval (one
/// thread, the trial's batch, thread CPU time of <see cref="TrainingSession.Run"/>), the time to create the bytes on
/// the training thread (<see cref="TrainingSession.CreateCheckpoint"/>, thread CPU), and wall time of
/// <see cref="ISweepStore.SaveCheckpointAsync"/> and <see cref="ISweepStore.LoadCheckpointAsync"/> on each backend
/// (median and range of several, fsync on: a durable server, a real directory). "share" is (create + save wall) /
/// training, as if the write held up training; "cpu share" is (create + CPU of the save in this process and, for
/// PostgreSQL, in the server's processes) / training: what the write takes from trainers when every core trains,
/// the write running beside them; "thread share" is create / training: what the training thread itself pays when the
/// write runs on another thread (as TrialGrain does) and finishes within the interval. Training per interval is
/// its steps and its dev evaluations of 5 000 images, one every 100 steps; "share 500" is "share" for an interval of
/// 500 steps. "unchanged" is the share of 4-byte words equal in a
/// checkpoint 4 steps later: what writing only the changed data could skip.
/// </summary>
internal static class CheckpointBenchmark
{
    private const int Classes = 10;

    private static readonly TrainingOptions Defaults = new();

    public static async Task<int> RunAsync(string backend, int repeats, double seconds)
    {
        if (backend is not ("local" or "postgres" or "both"))
        {
            Console.Error.WriteLine($"checkpoint --backend '{backend}': expected local, postgres or both.");
            return 2;
        }
        (string Arch, int Filters)[] presets = [("dnn", 0), ("cnn", 3), ("cnn", 32), ("cnn2", 5)];
        ImageShape[] shapes = [new(3, 32, 32), new(1, 28, 28)];
        var cases = shapes.SelectMany(shape => presets.Select(p => (p.Arch, p.Filters, Shape: shape))).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {Defaults.BatchSize}, a checkpoint every 'every' steps (the default, \"auto\"), one thread; training and create: {CpuClock.Kind}; save and load: wall time, median (min–max) of {repeats}"));

        var measured = new List<(string Name, ImageShape Shape, int Every, double StepMs, double EvaluationMs, double CreateMs, double Unchanged, byte[] Bytes)>();
        foreach (var (arch, filters, shape) in cases)
        {
            var name = filters == 0 ? arch : $"{arch}({filters})";
            var every = CheckpointInterval.Default(ArchitectureSpec.Parse(arch, filters == 0 ? null : filters), shape, Classes, Defaults.BatchSize);
            var (stepMs, evaluationMs, createMs, unchanged, bytes) = Train(arch, filters, shape, seconds, repeats);
            measured.Add((name, shape, every, stepMs, evaluationMs, createMs, unchanged, bytes));
        }

        var backends = backend == "both" ? new[] { "local", "postgres" } : [backend];
        foreach (var kind in backends)
        {
            var root = Path.Combine(Path.GetTempPath(), $"sweep-bench-ckpt-{Environment.ProcessId}");
            BenchPostgres? server = null;
            ISweepStore store;
            if (kind == "local")
            {
                store = new LocalDirectorySweepStore(root);
            }
            else
            {
                server = await BenchPostgres.StartAsync();
                var connection = await server.CreateDatabaseAsync("bench");
                await PostgresMigrator.MigrateAsync(connection);
                store = new PostgresSweepStore(connection);
            }
            try
            {
                var sweep = await store.CreateSweepAsync(Sweep(measured.Count));
                Console.WriteLine();
                Console.WriteLine($"backend {kind}{(kind == "local" ? $" ({root})" : "")}");
                Console.WriteLine($"{"preset",-8} {"shape",-8} {"MiB",6} {"step ms",8} {"every",6} {"interval s",10} {"create ms",9} {"save ms",20} {"save cpu",8} {"load ms",20} {"share",7} {"cpu share",9} {"thread share",12} {"share 500",9} {"unchanged",10}");
                for (var i = 0; i < measured.Count; i++)
                {
                    var (name, shape, every, stepMs, evaluationMs, createMs, unchanged, bytes) = measured[i];
                    var intervalMs = IntervalMs(every, stepMs, evaluationMs);
                    var trial = sweep.Trials[i].TrialId;
                    var saves = new List<double>();
                    var loads = new List<double>();
                    var saveCpuMs = 0.0;
                    for (var r = 0; r < repeats; r++)
                    {
                        var cpuBefore = ProcessCpuMs() + (server?.ServerCpuMs() ?? 0);
                        var watch = Stopwatch.StartNew();
                        await store.SaveCheckpointAsync(trial, (r + 1) * every, bytes);
                        saves.Add(watch.Elapsed.TotalMilliseconds);
                        saveCpuMs += ProcessCpuMs() + (server?.ServerCpuMs() ?? 0) - cpuBefore;
                        watch.Restart();
                        var loaded = await store.LoadCheckpointAsync(trial) ?? throw new InvalidOperationException($"{name}: the checkpoint just saved does not load.");
                        loads.Add(watch.Elapsed.TotalMilliseconds);
                        if (loaded.Step != (r + 1) * every || !loaded.Data.AsSpan().SequenceEqual(bytes))
                        {
                            throw new InvalidOperationException($"{name}: the checkpoint loaded differs from the one saved.");
                        }
                    }
                    saveCpuMs /= repeats;
                    var share = (createMs + Median(saves)) / intervalMs;
                    var cpuShare = (createMs + saveCpuMs) / intervalMs;
                    var threadShare = createMs / intervalMs;
                    var share500 = (createMs + Median(saves)) / IntervalMs(500, stepMs, evaluationMs);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-8} {shape,-8} {bytes.Length / 1048576.0,6:F2} {stepMs,8:F2} {every,6} {intervalMs / 1000,10:F1} {createMs,9:F1} {Spread(saves),20} {saveCpuMs,8:F0} {Spread(loads),20} {share * 100,6:F2}% {cpuShare * 100,8:F2}% {threadShare * 100,11:F2}% {share500 * 100,8:F2}% {unchanged * 100,9:F2}%"));
                }
            }
            finally
            {
                if (store is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
                if (server is not null)
                {
                    await server.DisposeAsync();
                }
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        }
        return 0;
    }

    /// <summary>Milliseconds of an interval of <paramref name="steps"/> steps with a dev evaluation every 100.</summary>
    private static double IntervalMs(int steps, double stepMs, double evaluationMs) => steps * stepMs + steps / Defaults.EvalEvery * evaluationMs;

    /// <summary>
    /// Milliseconds of one training step and of one dev evaluation of the default dev split (thread CPU), of
    /// creating a checkpoint, and the checkpoint bytes a trial writes: after a few steps (weights and both ADAM
    /// moments non-zero) and on a dev evaluation step, as the default interval (a multiple of 500, so of the
    /// evaluation interval 100) always is.
    /// </summary>
    private static (double StepMs, double EvaluationMs, double CreateMs, double Unchanged, byte[] Bytes) Train(string arch, int filters, ImageShape shape, double seconds, int repeats)
    {
        var data = RandomData(shape, Defaults.DevSize + 1024, 7);
        var spec = ArchitectureSpec.Parse(arch, filters == 0 ? null : filters);
        var timed = TrainingSession.Create(spec, new TrainingOptions { EvalEvery = int.MaxValue, Steps = int.MaxValue }, data);
        timed.Run(null, CancellationToken.None, stopAt: 3);
        var steps = 0;
        var start = CpuClock.Now();
        while (CpuClock.Now() - start < seconds || steps < 3)
        {
            timed.Run(null, CancellationToken.None, stopAt: timed.Step + 1);
            steps++;
        }
        var stepMs = (CpuClock.Now() - start) * 1000 / steps;

        const int EvalEvery = 4;
        var session = TrainingSession.Create(spec, new TrainingOptions { EvalEvery = EvalEvery, Steps = int.MaxValue }, data);
        session.Run(null, CancellationToken.None, stopAt: EvalEvery - 1);
        var begin = CpuClock.Now();
        session.Run(null, CancellationToken.None, stopAt: EvalEvery);
        var evaluationMs = Math.Max(0, (CpuClock.Now() - begin) * 1000 - stepMs);
        var creates = new List<double>();
        byte[] bytes = [];
        for (var r = 0; r < repeats; r++)
        {
            begin = CpuClock.Now();
            bytes = session.CreateCheckpoint();
            creates.Add((CpuClock.Now() - begin) * 1000);
        }
        // What a delta against the previous checkpoint could skip: 4-byte words (one float each in the weights and
        // moments) equal in a checkpoint a few steps later. Fewer stay equal over a whole interval of 500 steps.
        session.Run(null, CancellationToken.None, stopAt: 2 * EvalEvery);
        var later = MemoryMarshal.Cast<byte, int>(session.CreateCheckpoint().AsSpan(0, bytes.Length & ~3));
        var earlier = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, bytes.Length & ~3));
        var unchanged = 0;
        for (var i = 0; i < later.Length; i++)
        {
            unchanged += later[i] == earlier[i] ? 1 : 0;
        }
        return (stepMs, evaluationMs, Median(creates), unchanged / (double)Math.Max(1, later.Length), bytes);
    }

    private static DatasetPair RandomData(ImageShape shape, int count, int seed)
    {
        var random = new Random(seed);
        Dataset Make(string name, int n)
        {
            var images = new float[n * shape.Size];
            for (var i = 0; i < images.Length; i++)
            {
                images[i] = (float)random.NextDouble();
            }
            return new Dataset(name, shape, Classes, images, [.. Enumerable.Range(0, n).Select(_ => random.Next(Classes))]);
        }
        return new DatasetPair(Make("train", count), Make("test", 64));
    }

    private static SweepDefinition Sweep(int trials) => new(
        "bench",
        "bench-hash",
        "{}",
        [.. Enumerable.Range(0, trials).Select(i => new TrialSpec(
            $"bench.synthetic.cnn.f{i}.lr0.001.s0", "bench", new DatasetRef("synthetic", DatasetKind.Catalog), "cnn", "cnn", i, 0.001, 0, new TrainingSettings()))],
        new StudyPlan(),
        DateTimeOffset.UtcNow);

    private static double ProcessCpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Spread(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(values),7:F1} ({values.Min():F0}–{values.Max():F0})");
}
