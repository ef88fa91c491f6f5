using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Optimizers;
using Sweep.Model.Training;

namespace Sweep.Bench;

/// <summary>
/// Our engine and PyTorch side by side: the same presets, shapes and recipe (He init, ADAM, batch 128, ten classes,
/// one thread), in alternating rounds (ours, PyTorch, ours, PyTorch, …), each round a fresh network, a warm-up, then
/// the same number of training steps timed by the wall clock on both sides. PyTorch runs in one long-lived
/// <c>bench/torch/train.py</c> subprocess that answers one JSON line per round.
/// </summary>
internal static class TorchComparison
{
    private const string InstallHint =
        "PyTorch is not importable by any of: $SWEEP_PYTHON, python3, /usr/bin/python3. Install it with " +
        "'apt-get install python3-torch libopenblas0-openmp' (Debian/Ubuntu), or point SWEEP_PYTHON at a python " +
        "that has torch; only our side is measured now.";

    public static int Run(int rounds, double seconds, bool json, string? only)
    {
        var cpu = CpuName();
        var loadStart = LoadAverage();
        using var torch = TorchProcess.Start();
        if (torch is null)
        {
            Console.Error.WriteLine(InstallHint);
        }
        var header = new JsonObject
        {
            ["cpu"] = cpu,
            ["cores"] = Environment.ProcessorCount,
            ["loadAverageStart"] = loadStart,
            ["rounds"] = rounds,
            ["secondsPerRound"] = seconds,
            ["torch"] = torch?.Greeting.DeepClone(),
        };
        if (json)
        {
            Console.WriteLine(header.ToJsonString());
        }
        else
        {
            Console.WriteLine($"CPU: {cpu}, {Environment.ProcessorCount} cores; load average at start {loadStart}");
            Console.WriteLine(torch is null
                ? "PyTorch: not available"
                : $"PyTorch {torch.Greeting["torch"]}, {torch.Greeting["threads"]} thread, BLAS {torch.Greeting["blas"]}; ours: .NET {Environment.Version}, one thread");
            Console.WriteLine($"{rounds} alternating rounds, training images/s by wall clock, batch {TrainBenchmark.Batch}, same steps on both sides");
            Console.WriteLine($"{"preset",-8} {"shape",-8} {"steps",6} {"ours img/s",11} {"torch img/s",12} {"ratio",6} {"range",12}   per-round ratios");
        }
        (string Arch, int Filters)[] presets = [("dnn", 0), ("cnn", 3), ("cnn", 32), ("cnn2", 5)];
        ImageShape[] shapes = [new(3, 32, 32), new(1, 28, 28)];
        foreach (var shape in shapes)
        {
            foreach (var (arch, filters) in presets)
            {
                var name = filters == 0 ? arch : $"{arch}({filters})";
                if (only is not null && !string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var trainer = new OurTrainer(arch, filters, shape);
                // Calibrate on our side: enough steps for about `seconds` of our training, at least 10.
                var probe = trainer.Measure(3, 5);
                var steps = Math.Max(10, (int)(seconds * probe / TrainBenchmark.Batch));
                var warmup = Math.Max(5, steps / 10);
                var ours = new List<double>();
                var theirs = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    ours.Add(new OurTrainer(arch, filters, shape).Measure(warmup, steps));
                    if (torch is not null)
                    {
                        theirs.Add(torch.Measure(arch, filters, shape, warmup, steps));
                    }
                }
                Report(name, shape, steps, ours, theirs, json);
            }
        }
        var loadEnd = LoadAverage();
        if (json)
        {
            Console.WriteLine(new JsonObject { ["loadAverageEnd"] = loadEnd }.ToJsonString());
        }
        else
        {
            Console.WriteLine($"load average at end {loadEnd}");
        }
        return 0;
    }

    private static void Report(string name, ImageShape shape, int steps, List<double> ours, List<double> theirs, bool json)
    {
        var ratios = theirs.Count == ours.Count ? ours.Zip(theirs, (o, t) => o / t).ToList() : [];
        if (json)
        {
            var line = new JsonObject
            {
                ["preset"] = name,
                ["shape"] = shape.ToString(),
                ["steps"] = steps,
                ["oursImagesPerSecond"] = new JsonArray([.. ours.Select(v => (JsonNode)v)]),
                ["torchImagesPerSecond"] = new JsonArray([.. theirs.Select(v => (JsonNode)v)]),
                ["oursMedian"] = Median(ours),
                ["torchMedian"] = theirs.Count > 0 ? Median(theirs) : null,
                ["ratioMedian"] = ratios.Count > 0 ? Median(ratios) : null,
                ["ratioMin"] = ratios.Count > 0 ? ratios.Min() : null,
                ["ratioMax"] = ratios.Count > 0 ? ratios.Max() : null,
            };
            Console.WriteLine(line.ToJsonString());
            return;
        }
        var torchText = theirs.Count > 0 ? Median(theirs).ToString("F0", CultureInfo.InvariantCulture) : "-";
        var ratioText = ratios.Count > 0 ? Median(ratios).ToString("F2", CultureInfo.InvariantCulture) : "-";
        var rangeText = ratios.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{ratios.Min():F2}–{ratios.Max():F2}") : "-";
        var each = string.Join(' ', ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} {shape,-8} {steps,6} {Median(ours),11:F0} {torchText,12} {ratioText,6} {rangeText,12}   {each}"));
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    internal static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            var name = line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            var isa = flags.Contains(" avx512f", StringComparison.Ordinal) ? "AVX-512" : flags.Contains(" avx2", StringComparison.Ordinal) ? "AVX2" : "no AVX2";
            return $"{name} ({isa})";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Our training step, exactly what <c>train</c> times: copy batch → forward → softmax-CE → backward → ADAM.</summary>
    private sealed class OurTrainer
    {
        private readonly Network<float> _network;
        private readonly float[] _images;
        private readonly int[] _labels;
        private readonly float[] _m;
        private readonly float[] _v;
        private int _step;

        public OurTrainer(string arch, int filters, ImageShape shape)
        {
            var spec = ArchitectureSpec.Parse(arch, filters == 0 ? null : filters);
            _network = new Network<float>(spec, shape, 10, TrainBenchmark.Batch, Activation.Relu, 1.0, 1);
            _network.InitializeHe(new RandomGenerator(1, 2));
            var random = new Random(3);
            _images = new float[TrainBenchmark.Batch * shape.Size];
            for (var i = 0; i < _images.Length; i++)
            {
                _images[i] = (float)random.NextDouble();
            }
            _labels = [.. Enumerable.Range(0, TrainBenchmark.Batch).Select(_ => random.Next(10))];
            _m = new float[_network.Parameters.Length];
            _v = new float[_network.Parameters.Length];
        }

        /// <summary>Training images per wall-clock second over <paramref name="steps"/> steps after <paramref name="warmup"/>.</summary>
        public double Measure(int warmup, int steps)
        {
            for (var i = 0; i < warmup; i++)
            {
                Step();
            }
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < steps; i++)
            {
                Step();
            }
            return steps * (double)TrainBenchmark.Batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        private void Step()
        {
            _images.CopyTo(_network.Input);
            _network.Forward(_labels, TrainBenchmark.Batch);
            _network.Backward(_labels, TrainBenchmark.Batch);
            OptimizerKernels.AdamStep(_network.ParameterGradients, ++_step, 1e-4, 0.9, 0.999, 1e-8, _network.Parameters, _m, _v);
        }
    }

    /// <summary>The long-lived <c>bench/torch/train.py</c>: one JSON request line in, one JSON answer line out.</summary>
    private sealed class TorchProcess : IDisposable
    {
        private readonly Process _process;

        private TorchProcess(Process process, JsonNode greeting)
        {
            _process = process;
            Greeting = greeting;
        }

        public JsonNode Greeting { get; }

        public static TorchProcess? Start()
        {
            var script = FindScript();
            if (script is null)
            {
                Console.Error.WriteLine("bench/torch/train.py not found above the current directory or the harness binary.");
                return null;
            }
            var candidates = new[] { Environment.GetEnvironmentVariable("SWEEP_PYTHON"), "python3", "/usr/bin/python3" };
            foreach (var python in candidates.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct())
            {
                if (!CanImportTorch(python!))
                {
                    continue;
                }
                var info = new ProcessStartInfo(python!, [script])
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                SetOneThread(info);
                var process = Process.Start(info)!;
                var greeting = JsonNode.Parse(process.StandardOutput.ReadLine() ?? "{}")!;
                return new TorchProcess(process, greeting);
            }
            return null;
        }

        public double Measure(string arch, int filters, ImageShape shape, int warmup, int steps)
        {
            var request = new JsonObject
            {
                ["arch"] = arch,
                ["filters"] = filters,
                ["channels"] = shape.Channels,
                ["height"] = shape.Height,
                ["width"] = shape.Width,
                ["warmup"] = warmup,
                ["steps"] = steps,
            };
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
            var answer = _process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"bench/torch/train.py exited (code {(_process.HasExited ? _process.ExitCode : -1)}) during {arch}({filters}) on {shape}.");
            return JsonNode.Parse(answer)!["imagesPerSecond"]!.GetValue<double>();
        }

        public void Dispose()
        {
            _process.StandardInput.Close();
            _process.WaitForExit(10_000);
            _process.Dispose();
        }

        private static bool CanImportTorch(string python)
        {
            try
            {
                var info = new ProcessStartInfo(python, ["-c", "import torch"]) { UseShellExecute = false, RedirectStandardError = true };
                SetOneThread(info);
                using var probe = Process.Start(info)!;
                probe.StandardError.ReadToEnd();
                probe.WaitForExit();
                return probe.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        private static void SetOneThread(ProcessStartInfo info)
        {
            foreach (var name in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
            {
                info.Environment[name] = "1";
            }
        }

        private static string? FindScript()
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var path = Path.Combine(dir.FullName, "bench", "torch", "train.py");
                    if (File.Exists(path))
                    {
                        return path;
                    }
                }
            }
            return null;
        }
    }
}
