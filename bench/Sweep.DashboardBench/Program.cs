using System.Diagnostics;
using Microsoft.Playwright;
using Sweep.Client.Dashboard;
using Sweep.DashboardBench;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Storage.Postgres;

// Page load and API latency of the dashboard on a store with many trials, and the CPU an open page costs the
// process that serves it. Not a test: it asserts nothing. See bench/README.md.
var trials = Option("--trials", 10_000);
var seconds = Option("--seconds", 60);
var samples = Option("--samples", 10);
var storeDirectory = Text("--store") ?? Path.Combine(Path.GetTempPath(), $"sweep-dashboard-bench-{trials}");
var postgres = Text("--postgres");
var chromium = Text("--chromium") ?? "/usr/bin/chromium";

if (postgres is not null)
{
    await PostgresMigrator.MigrateAsync(postgres);
}
ISweepStore store = postgres is null ? new LocalDirectorySweepStore(storeDirectory) : new PostgresSweepStore(postgres);
Console.Error.WriteLine($"store: {(postgres is null ? storeDirectory : "PostgreSQL")}, {trials} trials (written once, reused)");
var write = Stopwatch.StartNew();
await BenchStore.EnsureAsync(store, trials);
Console.Error.WriteLine($"store ready in {write.Elapsed.TotalSeconds:F1} s");

string[] endpoints =
[
    "api/sweeps", $"api/sweeps/{BenchStore.SweepId}", $"api/sweeps/{BenchStore.SweepId}/trials",
    $"api/sweeps/{BenchStore.SweepId}/leaderboard?metric=testAccuracy", $"api/sweeps/{BenchStore.SweepId}/study",
    $"api/trials/{BenchStore.SweepId}.cifar10.dnn.f0.lr0.0005.s0", $"api/trials/{BenchStore.SweepId}.cifar10.dnn.f0.lr0.0005.s0/curve",
];

// 1. API latency, every request computed (no reuse): what one poll costs when something changed.
await using (var uncached = await DashboardServer.StartAsync(store, new DashboardOptions { Port = 0, ReuseFor = TimeSpan.Zero }))
{
    using var http = new HttpClient { BaseAddress = uncached.Address, Timeout = TimeSpan.FromMinutes(10) };
    Console.WriteLine("| endpoint | first (ms) | median (ms) | max (ms) | bytes |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var endpoint in endpoints)
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i <= samples; i++)
        {
            // A status change between requests defeats the version check, so each request is computed in full.
            await store.SetTrialStatusAsync($"{BenchStore.SweepId}.mnist.dnn.f0.lr0.0005.s0", Sweep.Grains.Lifecycle.TrialStatus.Running, 1000 + i);
            var clock = Stopwatch.StartNew();
            var body = await http.GetByteArrayAsync(endpoint);
            times.Add(clock.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }
        var warm = times.Skip(1).Order().ToList();
        Console.WriteLine($"| `{endpoint}` | {times[0]:F1} | {warm[warm.Count / 2]:F1} | {warm[^1]:F1} | {bytes} |");
    }
}

// 2. Page load and the CPU an open page costs, with the dashboard as users run it (answers reused, versions checked).
await using var server = await DashboardServer.StartAsync(store, new DashboardOptions { Port = 0 });
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
Console.WriteLine();
Console.WriteLine("| page | load until rendered (ms) |");
Console.WriteLine("|---|---|");
foreach (var (route, ready) in new[] { ("#/", "#sweeps"), ($"#/sweep/{BenchStore.SweepId}", "#leaderboard-table"), ($"#/study/{BenchStore.SweepId}", "#study h2"), ($"#/trial/{BenchStore.SweepId}.cifar10.dnn.f0.lr0.0005.s0", "#confusion") })
{
    var page = await browser.NewPageAsync();
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(new Uri(server.Address, route).ToString());
    await page.Locator(ready).First.WaitForAsync(new() { Timeout = 600_000 });
    Console.WriteLine($"| `{route}` | {clock.Elapsed.TotalMilliseconds:F0} |");
    await page.CloseAsync();
}

var idle = await CpuOverAsync(seconds);
var open = await browser.NewPageAsync();
await open.GotoAsync(new Uri(server.Address, $"#/sweep/{BenchStore.SweepId}").ToString());
await open.Locator("#leaderboard-table").WaitForAsync(new() { Timeout = 600_000 });
var withPage = await CpuOverAsync(seconds);
Console.WriteLine();
Console.WriteLine($"CPU of this process over {seconds} s: no page open {idle:F1} ms/s; one sweep page open (polling every 2 s) {withPage:F1} ms/s");

static async Task<double> CpuOverAsync(int seconds)
{
    var process = Process.GetCurrentProcess();
    var before = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    process.Refresh();
    return (process.TotalProcessorTime - before).TotalMilliseconds / clock.Elapsed.TotalSeconds;
}

int Option(string name, int fallback) => Text(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

string? Text(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
