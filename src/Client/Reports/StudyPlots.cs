using System.Globalization;
using ScottPlot;
using Sweep.Grains.Storage;
using Sweep.Model.Training;
using Sweep.Grains.Studies;

namespace Sweep.Client.Reports;

/// <summary>
/// The report's PNG charts (ScottPlot, headless), each <see cref="Width"/>×<see cref="Height"/> pixels:
/// a learning-curve chart per model like the paper's Figs. 8–16, and one chart per study.
/// </summary>
public static class StudyPlots
{
    /// <summary>Width of every chart in pixels.</summary>
    public const int Width = 800;

    /// <summary>Height of every chart in pixels.</summary>
    public const int Height = 500;

    /// <summary>Moving-average window (in steps) of the smoothed batch cost and accuracy lines.</summary>
    public const int SmoothingWindow = 50;

    /// <summary>The charts a report has, in the order the Markdown shows them. Pure: names follow from the report.</summary>
    public static IReadOnlyList<StudyChart> Plan(StudyReport report)
    {
        var charts = new List<StudyChart>();
        foreach (var dataset in report.Datasets)
        {
            foreach (var model in dataset.Models.Where(m => m.TrialIds.Count > 0))
            {
                charts.Add(new StudyChart(
                    $"curves-{dataset.Dataset}-{model.Model.Slug}.png",
                    dataset.Dataset,
                    "curves",
                    $"{dataset.Dataset}: {model.Model.Label} learning curves (lr {Lr(model.ChosenLearningRate)})"));
            }

            if (dataset.FilterStudies.Count > 0)
            {
                charts.Add(new StudyChart($"study-{dataset.Dataset}-filters.png", dataset.Dataset, "filters", $"{dataset.Dataset}: test accuracy against filter count"));
            }

            if (dataset.DenseVsConv.Count > 0)
            {
                charts.Add(new StudyChart($"study-{dataset.Dataset}-dense-vs-conv.png", dataset.Dataset, "dense-vs-conv", $"{dataset.Dataset}: dense vs conv, test accuracy"));
            }

            if (dataset.ExtraConvLayer.Count > 0)
            {
                charts.Add(new StudyChart($"study-{dataset.Dataset}-extra-conv-layer.png", dataset.Dataset, "extra-conv-layer", $"{dataset.Dataset}: extra conv layer, test accuracy"));
            }
        }

        return charts;
    }

    /// <summary>Renders every planned chart of <paramref name="report"/>: PNG bytes per file name, in plan order.</summary>
    /// <param name="results">The sweep's results: the learning curves come from them.</param>
    public static IReadOnlyList<(string FileName, byte[] Png)> Render(StudyReport report, IReadOnlyList<TrialResultRecord> results)
    {
        var byId = results.ToDictionary(r => r.Row.TrialId, StringComparer.Ordinal);
        var rendered = new List<(string, byte[])>();
        foreach (var chart in Plan(report))
        {
            var dataset = report.Datasets.First(d => d.Dataset == chart.Dataset);
            var plot = chart.Kind switch
            {
                "curves" => Curves(chart, dataset.Models.First(m => chart.FileName == $"curves-{dataset.Dataset}-{m.Model.Slug}.png"), byId),
                "filters" => FilterChart(chart, dataset.FilterStudies),
                "dense-vs-conv" => PairChart(chart, dataset.DenseVsConv),
                _ => PairChart(chart, dataset.ExtraConvLayer),
            };
            rendered.Add((chart.FileName, plot.GetImageBytes(Width, Height, ImageFormat.Png)));
        }

        return rendered;
    }

    private static Plot Curves(StudyChart chart, ModelSummary model, Dictionary<string, TrialResultRecord> results)
    {
        // Mean over the seeds at each step (the paper's figures show one run; with one seed this is that run).
        var curves = model.TrialIds.Where(results.ContainsKey).Select(id => results[id].Curve).ToList();
        var batch = MeanByStep(curves, p => true, p => (p.BatchAccuracy, p.BatchCost));
        var dev = MeanByStep(curves, p => !double.IsNaN(p.DevAccuracy), p => (p.DevAccuracy, 0));
        var plot = NewPlot(chart.Title, "step", "accuracy");
        if (batch.Count == 0)
        {
            plot.Add.Text("no learning curve stored for these trials", 0, 0);
            return plot;
        }

        var steps = batch.Select(b => (double)b.Step).ToArray();
        var accuracy = plot.Add.ScatterLine(steps, batch.Select(b => b.A).ToArray());
        accuracy.Color = Colors.LightBlue;
        accuracy.LegendText = "batch accuracy (raw)";
        var smoothAccuracy = plot.Add.ScatterLine(steps, Smooth(batch.Select(b => b.A).ToArray()));
        smoothAccuracy.Color = Colors.Blue;
        smoothAccuracy.LineWidth = 2;
        smoothAccuracy.LegendText = $"batch accuracy ({SmoothingWindow}-step mean)";
        if (dev.Count > 0)
        {
            var devLine = plot.Add.Scatter(dev.Select(d => (double)d.Step).ToArray(), dev.Select(d => d.A).ToArray());
            devLine.Color = Colors.Green;
            devLine.LineWidth = 2;
            devLine.LegendText = "dev accuracy";
        }

        var cost = plot.Add.ScatterLine(steps, Smooth(batch.Select(b => b.B).ToArray()));
        cost.Color = Colors.Red;
        cost.LineWidth = 2;
        cost.LegendText = $"batch cost ({SmoothingWindow}-step mean)";
        cost.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "cost";
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    private static Plot FilterChart(StudyChart chart, IReadOnlyList<FilterStudy> studies)
    {
        var plot = NewPlot(chart.Title, "filters", "test accuracy (mean ± sd)");
        var counts = studies.SelectMany(s => s.Rows).Select(r => r.Filters).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            counts.Select(c => (double)c).ToArray(), counts.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        foreach (var study in studies)
        {
            var rows = study.Rows.Where(r => r.TestAccuracy is not null).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var xs = rows.Select(r => (double)r.Filters).ToArray();
            var ys = rows.Select(r => r.TestAccuracy!.Mean).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{study.Architecture} (lr {Lr(study.LearningRate)})";
            var errors = plot.Add.ErrorBar(xs, ys, rows.Select(r => r.TestAccuracy!.Sd ?? 0).ToArray());
            errors.Color = line.Color;
        }

        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static Plot PairChart(StudyChart chart, IReadOnlyList<ComparisonResult> comparisons)
    {
        var plot = NewPlot(chart.Title, string.Empty, "test accuracy (mean ± sd)");
        var ticks = new List<Tick>();
        var position = 0.0;
        foreach (var comparison in comparisons)
        {
            foreach (var (model, stat, color) in new[]
                     {
                         (comparison.Baseline, comparison.BaselineTestAccuracy, Colors.Gray),
                         (comparison.Candidate, comparison.CandidateTestAccuracy, Colors.SteelBlue),
                     })
            {
                plot.Add.Bar(new Bar { Position = position, Value = stat?.Mean ?? 0, Error = stat?.Sd ?? 0, FillColor = color });
                ticks.Add(new Tick(position, $"{model.Label}\nlr {Lr(comparison.LearningRate)}"));
                position += 1;
            }

            position += 0.5;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static List<(int Step, double A, double B)> MeanByStep(List<IReadOnlyList<CurvePoint>> curves, Func<CurvePoint, bool> include, Func<CurvePoint, (double, double)> select)
    {
        return curves
            .SelectMany(c => c.Where(include))
            .GroupBy(p => p.Step)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var values = g.Select(select).ToList();
                return (g.Key, values.Average(v => v.Item1), values.Average(v => v.Item2));
            })
            .ToList();
    }

    private static double[] Smooth(double[] values)
    {
        var smoothed = new double[values.Length];
        var sum = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= SmoothingWindow)
            {
                sum -= values[i - SmoothingWindow];
            }

            smoothed[i] = sum / Math.Min(i + 1, SmoothingWindow);
        }

        return smoothed;
    }

    private static string Lr(double? learningRate) =>
        learningRate is { } lr ? lr.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
}
