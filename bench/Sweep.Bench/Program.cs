using System.Globalization;
using System.Text.Json;
using Sweep.Bench;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

// Usage: dotnet run -c Release --project bench/Sweep.Bench -- train [--json] [--seconds S] [--threads T] [--wall]
//        dotnet run -c Release --project bench/Sweep.Bench -- profile [--threads T]   (ms per layer and pass)
//        dotnet run -c Release --project bench/Sweep.Bench -- dense [--seconds S]     (dense kernels alone, GFLOP/s)
//        dotnet run -c Release --project bench/Sweep.Bench -- torch [--rounds R] [--seconds S] [--preset P] [--json]
//                                                                   (ours and PyTorch side by side, alternating rounds)
//        dotnet run -c Release --project bench/Sweep.Bench -- search [--data shapes|fashion]
//                                                                   (grid vs ASHA vs random: steps, wall, picked config)
//        dotnet run -c Release --project bench/Sweep.Bench -- scaling [--before OLD/sweep.dll] [--rounds R]
//                                                                   (matmul processes, equal trials, makespans)
//        dotnet run -c Release --project bench/Sweep.Bench -- orchestration [--trials 1000,10000] [--cli DLL] [--backend local|postgres]
//                                                                   (wall per trivial trial, embedded, 2 slots)
//        dotnet run -c Release --project bench/Sweep.Bench -- checkpoint [--backend local|postgres|both] [--repeats R] [--seconds S]
//                                                                   (checkpoint save/load time as a share of training)
//        dotnet run -c Release --project bench/Sweep.Bench -- queries [--trials 10000,100000] [--backend local|postgres|both]
//                  [--runs R] [--slow-runs R] [--root DIR] [--before REPO|CLI] [--cli CLI] [--small]  (leaderboard/status/trials latency)
var arguments = args.ToList();
if (arguments.Count == 0 || arguments[0] is not ("train" or "profile" or "dense" or "torch" or "search" or "scaling" or "matmul-worker" or "orchestration" or "checkpoint" or "queries"))
{
    Console.Error.WriteLine("usage: Sweep.Bench train [--json] [--seconds S] [--threads T] [--wall] | profile [--threads T] [--wall] [--preset P] | dense [--seconds S] | torch [--rounds R] [--seconds S] [--preset P] [--json] | search [--data shapes|fashion] | scaling [--before DLL] [--rounds R] | orchestration [--trials N,N] [--cli DLL] [--backend local|postgres] | checkpoint [--backend local|postgres|both] [--repeats R] [--seconds S] | queries [--trials N,N] [--backend local|postgres|both] [--runs R] [--slow-runs R] [--root DIR] [--before REPO|CLI] [--cli CLI] [--small]");
    return 2;
}
var json = arguments.Contains("--json");
if (arguments[0] == "search")
{
    return SearchBenchmark.Run(Text("--data"));
}
if (arguments[0] == "scaling")
{
    return ScalingBenchmark.Run(Text("--before"), (int)Option("--rounds", 1));
}
if (arguments[0] == "orchestration")
{
    var sizes = (Text("--trials") ?? "1000,10000").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
    return await OrchestrationBenchmark.RunAsync(sizes, Text("--cli"), Text("--backend") ?? "local");
}
if (arguments[0] == "matmul-worker")
{
    return ScalingBenchmark.MatMulWorker(long.Parse(arguments[1], CultureInfo.InvariantCulture), double.Parse(arguments[2], CultureInfo.InvariantCulture));
}
if (arguments[0] == "checkpoint")
{
    return await CheckpointBenchmark.RunAsync(Text("--backend") ?? "both", (int)Option("--repeats", 5), Option("--seconds", 1.0));
}
if (arguments[0] == "queries")
{
    var counts = (Text("--trials") ?? "10000,100000").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
    var runs = (int)Option("--runs", 5);
    return await QueryBenchmark.RunAsync(counts, Text("--backend") ?? "both", runs, (int)Option("--slow-runs", runs), Text("--root") ?? "/var/tmp/sweep-query-bench",
        Text("--before"), Text("--cli"), arguments.Contains("--small"));
}
if (arguments[0] == "torch")
{
    return TorchComparison.Run((int)Option("--rounds", 3), Option("--seconds", 1.5), json, Text("--preset"));
}
// Thread CPU time would count only the calling thread of a multi-threaded step.
if (arguments.Contains("--wall") || Option("--threads", 1) > 1)
{
    CpuClock.UseWallTime();
}
if (arguments[0] == "profile")
{
    var ceiling = MatMulBenchmark.Measure(1024, 1.0);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"matmul 1024x1024x1024 ceiling: {ceiling:F1} GFLOP/s ({CpuClock.Kind}); memory copy of 64 MB: {MemoryBenchmark.CopyGbps():F1} GB/s (read + write)"));
    var only = Text("--preset");
    foreach (var shape in new ImageShape[] { new(3, 32, 32), new(1, 28, 28) })
    {
        foreach (var (arch, filters) in new[] { ("dnn", 0), ("cnn", 3), ("cnn", 32), ("cnn2", 5) })
        {
            var name = filters == 0 ? arch : $"{arch}({filters})";
            if (only is null || string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
            {
                LayerProfile.Print(arch, filters, shape, (int)Option("--threads", 1), (int)Option("--repeats", 20), ceiling);
            }
        }
    }
    return 0;
}
if (arguments[0] == "dense")
{
    DenseBenchmark.Print(Option("--seconds", 1.0));
    return 0;
}
var seconds = Option("--seconds", 2.0);
var threads = (int)Option("--threads", 1);
var jsonOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
(string Arch, int Filters)[] presets = [("dnn", 0), ("cnn", 3), ("cnn", 32), ("cnn2", 5)];
ImageShape[] shapes = [new(3, 32, 32), new(1, 28, 28)];
if (!json)
{
    Console.WriteLine($"threads {threads}, batch {TrainBenchmark.Batch}, {(Gemm.UseVector512 ? "Vector512" : "Vector256")} micro-kernel, rates per second of {CpuClock.Kind}");
    Console.WriteLine($"{"arch",-6} {"filters",7} {"shape",-9} {"train img/s",12} {"infer img/s",12} {"fwd MFLOP",10} {"train MFLOP",11} {"train GFLOP/s",14}");
}
foreach (var shape in shapes)
{
    foreach (var (arch, filters) in presets)
    {
        var result = TrainBenchmark.Measure(arch, filters, shape, threads, seconds);
        Console.WriteLine(json
            ? JsonSerializer.Serialize(result, jsonOptions)
            : string.Create(CultureInfo.InvariantCulture, $"{result.Arch,-6} {result.Filters,7} {result.Shape,-9} {result.TrainImagesPerSecond,12:F0} {result.InferImagesPerSecond,12:F0} {result.FlopsPerImage / 1e6,10:F2} {result.TrainFlopsPerImage / 1e6,11:F2} {result.TrainGflops,14:F1}"));
    }
}
var gflops = MatMulBenchmark.Measure(1024, seconds);
Console.WriteLine(json
    ? JsonSerializer.Serialize(new { matmul = "1024x1024x1024", threads = 1, gflops }, jsonOptions)
    : string.Create(CultureInfo.InvariantCulture, $"matmul 1024x1024x1024, one thread: {gflops:F1} GFLOP/s"));
return 0;

string? Text(string name)
{
    var index = arguments.IndexOf(name);
    return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
}

double Option(string name, double fallback)
{
    var index = arguments.IndexOf(name);
    return index >= 0 && index + 1 < arguments.Count ? double.Parse(arguments[index + 1], CultureInfo.InvariantCulture) : fallback;
}
