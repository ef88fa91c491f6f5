using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.InMemory;
using Sweep.Grains.Studies;
using Sweep.Grains.Tests.Support;
using static Sweep.Grains.Tests.Studies.StudyFixtures;
using Sweep.Client.Commands;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

public sealed class StudyCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnknownSweep_ExitsOneNamingItAndTheKnownSweeps()
    {
        var (store, _, _) = await StudyStores.WithSmallFullSweepAsync();
        var stderr = new StringWriter();

        var code = await StudyCommands.RunStudyAsync(store, "nope", "md", null, new StringWriter(), stderr, Ct);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("'nope'", line);
        Assert.Contains("known sweeps: s1", line);
    }

    [Fact]
    public async Task BadFormat_ExitsTwoNamingTheValidFormats()
    {
        var stderr = new StringWriter();
        var code = await StudyCommands.RunStudyAsync(new InMemorySweepStore(), "s1", "xml", null, new StringWriter(), stderr, Ct);

        Assert.Equal(2, code);
        Assert.Contains("'xml'", stderr.ToString());
        Assert.Contains("md, json, csv", stderr.ToString());
    }

    [Fact]
    public async Task FinishedSweepWithStoredStudy_PrintsTheStoredReport()
    {
        var (store, sweep, results) = await StudyStores.WithSmallFullSweepAsync();
        var stored = StudyBuilder.Build(sweep, results, settings: StudySettings.Default with { BootstrapSeed = 7 });
        await store.SaveStudyAsync(sweep.SweepId, stored.ToJson(), Ct);
        var stdout = new StringWriter();

        var code = await StudyCommands.RunStudyAsync(store, sweep.SweepId, "json", null, stdout, new StringWriter(), Ct);

        Assert.Equal(0, code);
        Assert.Equal(stored.ToJson() + "\n", stdout.ToString());
    }

    [Fact]
    public async Task RunningSweep_IsRecomputedAndMarkedPartial()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var running = results[0].Row.TrialId;
        var store = await StudyStores.WithAsync(sweep, results.Skip(1), new Dictionary<string, TrialStatus> { [running] = TrialStatus.Running });
        await store.SaveStudyAsync(sweep.SweepId, StudyBuilder.Build(sweep, results).ToJson(), Ct);
        var stdout = new StringWriter();

        var code = await StudyCommands.RunStudyAsync(store, sweep.SweepId, "md", null, stdout, new StringWriter(), Ct);

        Assert.Equal(0, code);
        Assert.Contains("PARTIAL SWEEP", stdout.ToString());
        Assert.Contains($"`{running}` (running)", stdout.ToString());
    }

    [Fact]
    public async Task MarkdownWithOutDir_WritesReportAndCharts()
    {
        var (store, sweep, _) = await StudyStores.WithSmallFullSweepAsync();
        using var dir = new TemporaryDirectory("sweep-study-cmd");

        var code = await StudyCommands.RunStudyAsync(store, sweep.SweepId, "md", dir.Path, new StringWriter(), new StringWriter(), Ct);

        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.md")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "curves-cifar10-dnn.png")));
    }

    [Fact]
    public async Task PredictionsCsv_ParsesBackToTheStoredAccuracy()
    {
        var (store, _, results) = await StudyStores.WithSmallFullSweepAsync();
        var trial = results[3];
        var stdout = new StringWriter();

        var code = await StudyCommands.RunPredictionsAsync(store, trial.Row.TrialId, PredictionSplit.Test, "csv", stdout, new StringWriter(), Ct);

        Assert.Equal(0, code);
        var lines = stdout.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("index,label,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", lines[0]);
        var labels = new List<int>();
        var probabilities = new List<float>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            Assert.Equal(labels.Count, int.Parse(fields[0], CultureInfo.InvariantCulture));
            labels.Add(int.Parse(fields[1], CultureInfo.InvariantCulture));
            probabilities.AddRange(fields.Skip(2).Select(f => float.Parse(f, CultureInfo.InvariantCulture)));
        }

        Assert.Equal(trial.TestPredictions!.Labels, labels);
        Assert.Equal(trial.TestPredictions.Probabilities, probabilities);
        Assert.Equal(trial.Test!.Accuracy, ArgmaxAccuracy(labels, probabilities), 12);
    }

    [Fact]
    public async Task PredictionsJson_ParsesBackToTheStoredPredictions()
    {
        var (store, _, results) = await StudyStores.WithSmallFullSweepAsync();
        var trial = results[0];
        var stdout = new StringWriter();

        var code = await StudyCommands.RunPredictionsAsync(store, trial.Row.TrialId, PredictionSplit.Test, "json", stdout, new StringWriter(), Ct);

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout.ToString());
        var rows = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(trial.TestPredictions!.Count, rows.Count);
        Assert.Equal(5, rows[5].GetProperty("index").GetInt32());
        Assert.Equal(trial.TestPredictions.Labels[5], rows[5].GetProperty("label").GetInt32());
        var probabilities = rows.SelectMany(r => r.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle())).ToList();
        Assert.Equal(trial.TestPredictions.Probabilities, probabilities);
    }

    [Fact]
    public async Task PredictionsOfUnknownTrial_ExitOneNamingIt()
    {
        var stderr = new StringWriter();
        var code = await StudyCommands.RunPredictionsAsync(new InMemorySweepStore(), "s1.x", PredictionSplit.Test, "csv", new StringWriter(), stderr, Ct);

        Assert.Equal(1, code);
        Assert.StartsWith("sweep: ", stderr.ToString());
        Assert.Contains("'s1.x'", stderr.ToString());
    }

    [Fact]
    public async Task PredictionsOfMissingSplit_ExitOneNamingTheSplit()
    {
        var (store, _, results) = await StudyStores.WithSmallFullSweepAsync();
        var stderr = new StringWriter();

        var code = await StudyCommands.RunPredictionsAsync(store, results[0].Row.TrialId, PredictionSplit.Dev, "csv", new StringWriter(), stderr, Ct);

        Assert.Equal(1, code);
        Assert.Contains("no dev predictions", stderr.ToString());
    }

    [Fact]
    public async Task PredictionsBadFormat_ExitTwoNamingTheValidFormats()
    {
        var stderr = new StringWriter();
        var code = await StudyCommands.RunPredictionsAsync(new InMemorySweepStore(), "t", PredictionSplit.Test, "md", new StringWriter(), stderr, Ct);

        Assert.Equal(2, code);
        Assert.Contains("csv, json", stderr.ToString());
    }

    private static double ArgmaxAccuracy(List<int> labels, List<float> probabilities)
    {
        var correct = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities.Skip(i * Classes).Take(Classes).ToList();
            correct += row.IndexOf(row.Max()) == labels[i] ? 1 : 0;
        }

        return correct / (double)labels.Count;
    }
}
