using System.Collections.Immutable;
using Microsoft.Playwright;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Tests.Support;
using Sweep.Client.Dashboard;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Dashboard.Tests.Support;

/// <summary>
/// One embedded store for the browser tests, with a finished tiny sweep ("tiny"), a sweep whose dataset and
/// architecture names are HTML ("html"), and a long sweep ("live") that an in-process <c>sweep submit</c> keeps
/// training while the tests run; a dashboard over it; and the system's headless Chromium driven by Playwright.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package; the tests never download a browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string HtmlDataset = "<img src=x onerror=\"window.__xss=1\">";
    public const string HtmlArchitecture = "<b>bold</b>&amp;<script>window.__xss=2</script>";

    private readonly TemporaryDirectory _store = new("sweep-dashboard-browser");
    private readonly CancellationTokenSource _stopLive = new();
    private Task<(int Code, string Out, string Error)>? _live;
    private IPlaywright? _playwright;

    public string StoreDirectory => _store.Path;

    public DashboardServer Dashboard { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests write their screenshots (kept after the run, for a look and for docs/).</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath} and found none: install Debian's package with 'apt-get install chromium' (./test.sh does); nothing downloads a browser.");
        }
        Directory.CreateDirectory(ScreenshotDirectory);
        var grids = Path.Combine(_store.Path, "grids");
        Directory.CreateDirectory(grids);
        File.WriteAllText(Path.Combine(grids, "tiny.json"), Sweep.Client.Tests.TinyGrids.Valid);
        File.WriteAllText(Path.Combine(grids, "live.json"), BrowserGrids.Live);
        var tiny = await Cli.RunAsync(CancellationToken.None, "submit", Path.Combine(grids, "tiny.json"), "--store", _store.Path, "--slots", "1");
        if (tiny.Code != 0)
        {
            throw new InvalidOperationException($"sweep submit tiny.json exited {tiny.Code}: {tiny.Error}");
        }
        await WriteHtmlSweepAsync(new LocalDirectorySweepStore(_store.Path));
        _live = Task.Run(() => Cli.RunAsync(_stopLive.Token, "submit", Path.Combine(grids, "live.json"), "--store", _store.Path, "--slots", "1"));
        Dashboard = await DashboardServer.StartAsync(new LocalDirectorySweepStore(_store.Path), new DashboardOptions { Port = 0 });
        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root in containers, where Chromium's sandbox cannot start.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A page at a dashboard route (e.g. <c>#/sweep/tiny</c>) with a fixed viewport.</summary>
    public async Task<IPage> OpenAsync(string route)
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(Dashboard.Address, route).ToString());
        return page;
    }

    /// <summary>The live sweep must still be training for the tests that watch it; fails loudly if it is not.</summary>
    public void AssertLiveSweepRuns()
    {
        if (_live is { IsCompleted: true } done)
        {
            throw new InvalidOperationException($"The live sweep ended before the test watched it: {done.Result.Code} {done.Result.Error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
        _stopLive.Cancel();
        if (_live is not null)
        {
            await _live;
        }
        _stopLive.Dispose();
        _store.Dispose();
    }

    /// <summary>Sweep ids are restricted to file-name characters; the names inside a sweep are what users type.</summary>
    private static async Task WriteHtmlSweepAsync(ISweepStore store)
    {
        var trial = new TrialSpec("html.d.a.f0.lr0.01.s1", "html",
            new DatasetRef(HtmlDataset, DatasetKind.Synthetic, Generator: "gaussian", TrainSize: 100, TestSize: 50, ImageSize: 8, Seed: 1),
            HtmlArchitecture, "dnn", 0, 0.01, 1, new TrainingSettings { Steps = 40 });
        var sweep = new SweepDefinition("html", "hash-html", "{}", [trial], new StudyPlan(), DateTimeOffset.UtcNow);
        await store.CreateSweepAsync(sweep);
        await store.SaveResultAsync(Sweep.Grains.Tests.Storage.StoreTestData.Result(trial, seed: 1));
    }
}
