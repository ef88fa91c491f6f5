using SkiaSharp;
using Sweep.Grains.Studies;
using Sweep.Grains.Tests.Support;
using Sweep.Client.Reports;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

public sealed class StudyReportWriterTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("sweep-study-tests");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MarkdownWithOutDir_WritesReportAndNonBlankChartsOfTheStatedSize()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var report = StudyBuilder.Build(sweep, results);
        var stdout = new StringWriter();

        await StudyReportWriter.WriteAsync(report, results, "md", _dir.Path, stdout, TestContext.Current.CancellationToken);

        var reportPath = Path.Combine(_dir.Path, "report.md");
        Assert.Equal(Path.GetFullPath(reportPath), stdout.ToString().Trim());
        var markdown = await File.ReadAllTextAsync(reportPath, TestContext.Current.CancellationToken);
        var charts = StudyPlots.Plan(report);
        Assert.Equal(5 + 3, charts.Count);
        foreach (var chart in charts)
        {
            Assert.Contains($"]({chart.FileName})", markdown);
            using var bitmap = SKBitmap.Decode(Path.Combine(_dir.Path, chart.FileName));
            Assert.NotNull(bitmap);
            Assert.Equal((StudyPlots.Width, StudyPlots.Height), (bitmap.Width, bitmap.Height));
            var distinct = new HashSet<SKColor>();
            for (var y = 0; y < bitmap.Height; y += 5)
            {
                for (var x = 0; x < bitmap.Width; x += 5)
                {
                    distinct.Add(bitmap.GetPixel(x, y));
                }
            }

            Assert.True(distinct.Count > 3, $"{chart.FileName} has only {distinct.Count} colours");
        }

        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task OtherFormatsWithOutDir_WriteOneReportFile(string format)
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var report = StudyBuilder.Build(sweep, results);

        await StudyReportWriter.WriteAsync(report, results, format, _dir.Path, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal([$"report.{format}"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        var text = await File.ReadAllTextAsync(Path.Combine(_dir.Path, $"report.{format}"), TestContext.Current.CancellationToken);
        Assert.Equal(format == "json" ? report.ToJson() + "\n" : StudyCsv.Render(report), text);
    }

    [Fact]
    public async Task WithoutOutDir_PrintsToStdoutAndWritesNothing()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var report = StudyBuilder.Build(sweep, results);
        var stdout = new StringWriter();

        await StudyReportWriter.WriteAsync(report, results, "md", null, stdout, TestContext.Current.CancellationToken);

        Assert.Equal(StudyMarkdown.Render(report, withImages: false), stdout.ToString());
        Assert.False(Directory.Exists(_dir.Path));
    }

    [Fact]
    public async Task UnknownFormat_IsRejectedNamingTheValidOnes()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            StudyReportWriter.WriteAsync(StudyBuilder.Build(sweep, results), results, "html", null, new StringWriter(), TestContext.Current.CancellationToken));

        Assert.Contains("'html'", error.Message);
        Assert.Contains("md, json, csv", error.Message);
    }
}
