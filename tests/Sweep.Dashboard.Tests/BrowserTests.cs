using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Sweep.Dashboard.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Dashboard.Tests;

/// <summary>
/// The pages in a real headless Chromium over an embedded store while a sweep trains in this process: live
/// progress and curves without reloads, the CLI's leaderboard values, sorting and filtering, the study's
/// comparisons, names that are HTML shown as text, and non-blank screenshots of every page.
/// </summary>
public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Generous: two cores shared with other builds can slow training (and so the page's news) a lot.</summary>
    private const float WaitMs = 90_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SweepsPage_ShowsTheRunningSweep_AndItsProgressAdvancesWithoutAReload()
    {
        fixture.AssertLiveSweepRuns();
        var page = await fixture.OpenAsync("#/");
        var bar = page.Locator("tr[data-sweep='live'] .bar");
        await bar.WaitForAsync(new() { Timeout = WaitMs });
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        var first = long.Parse((await bar.GetAttributeAsync("data-done"))!, CultureInfo.InvariantCulture);

        await page.WaitForFunctionAsync(
            $"() => Number(document.querySelector(\"tr[data-sweep='live'] .bar\")?.dataset.done) > {first}",
            null, new() { Timeout = WaitMs, PollingInterval = 200 });

        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        Assert.Equal("running", await page.Locator("tr[data-sweep='live'] td.state-running").TextContentAsync());
        Assert.Equal(1, await page.Locator("tr[data-sweep='tiny']").CountAsync());
        await ScreenshotAsync(page, "sweeps");
    }

    [Fact]
    public async Task SweepPage_CurveOfARunningTrialGainsPointsWithoutAReload()
    {
        fixture.AssertLiveSweepRuns();
        var page = await fixture.OpenAsync("#/sweep/live");
        var chart = page.Locator("[data-running] [data-curve-points]").First;
        await chart.WaitForAsync(new() { Timeout = WaitMs });
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        var trial = await page.Locator("[data-running]").First.GetAttributeAsync("data-running");
        var points = int.Parse((await chart.GetAttributeAsync("data-curve-points"))!, CultureInfo.InvariantCulture);

        await page.WaitForFunctionAsync(
            "([id, n]) => [...document.querySelectorAll('[data-running]')].some(e => e.dataset.running === id && Number(e.querySelector('[data-curve-points]')?.dataset.curvePoints) > n)",
            new object[] { trial!, points }, new() { Timeout = WaitMs, PollingInterval = 200 });

        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        Assert.True(await page.Locator($"[data-running='{trial}'] polyline").CountAsync() >= 2, "the curve has no lines");
        await ScreenshotAsync(page, "sweep-live");
    }

    [Fact]
    public async Task SweepPage_LeaderboardHasOneRowPerFinishedTrial_WithTheCliValues()
    {
        var cli = (await Cli.JsonAsync(Ct, "leaderboard", "--sweep", "tiny", "--store", fixture.StoreDirectory, "--format", "json")).AsArray();
        var page = await fixture.OpenAsync("#/sweep/tiny");
        var rows = page.Locator("#leaderboard-table tbody tr");
        await page.Locator("#leaderboard-table").WaitForAsync(new() { Timeout = WaitMs });

        Assert.Equal(4, cli.Count);
        Assert.Equal(cli.Count, await rows.CountAsync());
        for (var i = 0; i < cli.Count; i++)
        {
            var row = rows.Nth(i);
            Assert.Equal((string?)cli[i]!["trialId"], await row.GetAttributeAsync("data-trial"));
            foreach (var metric in new[] { "trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio" })
            {
                var expected = ((double)cli[i]![metric]!).ToString("F4", CultureInfo.InvariantCulture);
                Assert.Equal(expected, await row.Locator($"td[data-key='{metric}']").TextContentAsync());
            }
            Assert.Equal(((double)cli[i]!["wallSeconds"]!).ToString("F2", CultureInfo.InvariantCulture), await row.Locator("td[data-key='wallSeconds']").TextContentAsync());
        }
        await page.Locator("#parallel svg polyline").First.WaitForAsync();
        Assert.Equal("4", await page.Locator("#parallel svg").GetAttributeAsync("data-lines"));
        await ScreenshotAsync(page, "sweep");
    }

    [Fact]
    public async Task SweepPage_LeaderboardSortsByAClickedColumn_AndFilters()
    {
        var page = await fixture.OpenAsync("#/sweep/tiny");
        await page.Locator("#leaderboard-table").WaitForAsync(new() { Timeout = WaitMs });

        await page.Locator("#leaderboard-table th[data-key='seed']").ClickAsync();
        Assert.Equal(["2", "2", "1", "1"], await ColumnAsync(page, 6));
        await page.Locator("#leaderboard-table th[data-key='seed']").ClickAsync();
        Assert.Equal(["1", "1", "2", "2"], await ColumnAsync(page, 6));
        await page.Locator("#leaderboard-table th[data-key='trialId']").ClickAsync();
        var ids = await ColumnAsync(page, 1);
        Assert.Equal(ids.Order(StringComparer.Ordinal).ToArray(), ids);

        await page.Locator("#filter-text").FillAsync("dnn");
        Assert.Equal(["dnn", "dnn"], await ColumnAsync(page, 3));

        await page.Locator("#filter-text").FillAsync("");
        await page.Locator("#filter-architecture").SelectOptionAsync("cnn");
        await page.WaitForFunctionAsync(
            "() => { const c = [...document.querySelectorAll('#leaderboard-table tbody tr td:nth-child(3)')].map(td => td.textContent); return c.length === 2 && c.every(a => a === 'cnn'); }",
            null, new() { Timeout = WaitMs });
    }

    [Fact]
    public async Task StudyPage_ShowsTheComparisonsWithTheReportsVerdicts()
    {
        var report = await Cli.JsonAsync(Ct, "study", "tiny", "--store", fixture.StoreDirectory, "--format", "json");
        var expected = report["datasets"]![0]!["denseVsConv"]!.AsArray().Select(c => (string)c!["verdict"]!).ToList();
        var page = await fixture.OpenAsync("#/study/tiny");
        await page.Locator("tr.comparison").First.WaitForAsync(new() { Timeout = WaitMs });

        Assert.NotEmpty(expected);
        var verdicts = await page.Locator("tr.comparison td.verdict").AllTextContentsAsync();
        Assert.Equal(expected, verdicts.Take(expected.Count));
        Assert.Contains("dnn → cnn f2", await page.Locator("tr.comparison").First.TextContentAsync());
        Assert.Equal(2, await page.Locator("table.models tbody tr").CountAsync());
        await ScreenshotAsync(page, "study");
    }

    [Fact]
    public async Task TrialPage_ShowsConfigCurvesFinalMetricsAndTheConfusionMatrix()
    {
        var page = await fixture.OpenAsync("#/trial/tiny.gauss.cnn.f2.lr0.01.s1");
        await page.Locator("#confusion").WaitForAsync(new() { Timeout = WaitMs });
        await page.Locator("#curve polyline").First.WaitForAsync();

        Assert.Contains("cnn", await page.Locator("table.kv").TextContentAsync());
        Assert.Equal(3, await page.Locator("#splits tbody tr").CountAsync());
        var classes = await page.Locator("#per-class tbody tr").CountAsync();
        Assert.True(classes >= 2, $"{classes} classes");
        Assert.Equal(classes, await page.Locator("#confusion tbody tr").CountAsync());
        await ScreenshotAsync(page, "trial");
    }

    [Fact]
    public async Task NamesThatAreHtml_RenderAsText_AndRunNothing()
    {
        var page = await fixture.OpenAsync("#/sweep/html");
        await page.Locator("#leaderboard-table").WaitForAsync(new() { Timeout = WaitMs });

        var cells = page.Locator("#leaderboard-table tbody tr td");
        Assert.Equal(BrowserFixture.HtmlDataset, await cells.Nth(1).TextContentAsync());
        Assert.Equal(BrowserFixture.HtmlArchitecture, await cells.Nth(2).TextContentAsync());
        Assert.Equal(0, await page.Locator("main img, main b, main script").CountAsync());

        await page.GotoAsync(new Uri(fixture.Dashboard.Address, "#/trial/html.d.a.f0.lr0.01.s1").ToString());
        await page.Locator("table.kv").WaitForAsync(new() { Timeout = WaitMs });
        Assert.Contains(BrowserFixture.HtmlDataset, await page.Locator("table.kv").TextContentAsync());
        Assert.Equal(0, await page.Locator("main img, main b, main script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "a name ran as script");
    }

    private static async Task<string[]> ColumnAsync(IPage page, int column) =>
        [.. await page.Locator($"#leaderboard-table tbody tr td:nth-child({column})").AllTextContentsAsync()];

    /// <summary>Writes a screenshot and checks that it is a real rendering: the viewport's size, far from one colour.</summary>
    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(fixture.ScreenshotDirectory, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path });
        var png = PngImage.Read(await File.ReadAllBytesAsync(path, Ct));
        Assert.Equal((1280, 900), (png.Width, png.Height));
        var variance = png.LuminanceVariance();
        Assert.True(variance > 100, $"{path} looks blank: luminance variance {variance:F1}");
    }
}
