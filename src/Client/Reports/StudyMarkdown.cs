using System.Text;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Studies;
using Sweep.Grains.Studies.Paper;
using Sweep.Grains.Studies.Statistics;
namespace Sweep.Client.Reports;

/// <summary>
/// The report as Markdown: the paper's tables (accuracy, per class) with the paper's numbers beside ours, the
/// studies with their confidence intervals, p-values and verdicts, partial-sweep warnings, and chart links.
/// </summary>
public static class StudyMarkdown
{
    /// <summary>Renders the report.</summary>
    /// <param name="withImages">Link the PNGs of <see cref="StudyPlots.Plan"/> (written beside the report).</param>
    public static string Render(StudyReport report, bool withImages = true)
    {
        var md = new StringBuilder();
        var settings = report.Settings;
        var level = $"{settings.ConfidenceLevel * 100:0.##} %";
        md.AppendLine($"# Study of sweep `{report.SweepId}`");
        md.AppendLine();
        var t = report.Trials;
        var searchCounts = report.Search is null && t.Paused + t.Pruned == 0 ? string.Empty : $" · {t.Paused} paused · {t.Pruned} pruned";
        md.AppendLine($"Trials: {t.Planned} planned · {t.Completed} completed · {t.Diverged} diverged · {t.Failed} failed · {t.Cancelled} cancelled · {t.Running} running · {t.Pending} pending{searchCounts}.");
        md.AppendLine();
        if (!report.Complete)
        {
            md.AppendLine($"> **PARTIAL SWEEP** — {t.Running + t.Pending + t.Paused} trial(s) have not finished. Every table row and comparison with a missing trial is marked INCOMPLETE and its numbers are provisional.");
            md.AppendLine();
        }

        if (t.Failed + t.Cancelled > 0)
        {
            md.AppendLine($"> **{t.Failed} failed and {t.Cancelled} cancelled trial(s)** have no result; comparisons that need them are marked INCOMPLETE.");
            md.AppendLine();
        }

        RenderSearch(md, report.Search);
        md.AppendLine("## How to read this report");
        md.AppendLine();
        md.AppendLine("- A model is an architecture with a filter count. Its learning rate is the one with the best mean **dev** accuracy over seeds (ties: the smaller rate); the test set never takes part in the choice.");
        md.AppendLine("- Cells are mean ± sample standard deviation over seeds (n shown). Only Completed trials count; **diverged trials are listed and excluded from every mean**, and so are **trials pruned at a rung** (listed in their own section: their metrics are from fewer steps).");
        md.AppendLine($"- Comparisons put both sides at one learning rate (best mean dev accuracy averaged over the two) and pair trials by seed. The difference (candidate − baseline test accuracy) comes with a {level} paired-t interval over seeds (t quantile computed), McNemar's exact two-sided test on the test predictions per seed, combined over seeds by pooling the discordant counts and by Fisher's method, and a paired bootstrap {level} interval ({settings.BootstrapResamples} resamples of the test images, the same resample for both models and every seed; seed {settings.BootstrapSeed}).");
        md.AppendLine($"- **Significant at {settings.Alpha * 100:0.##} %** is the paired test on the test-set predictions: with one seed, McNemar's exact p < {settings.Alpha}; with two or more seeds, the bootstrap interval excludes 0 (the pooled and Fisher p-values are shown for reference only: every seed is scored on the same test images, so they count each image once per seed). **Robust across seeds** is the separate question whether the paired-t interval over seeds excludes 0; the verdict says when it does not.");
        md.AppendLine($"- Convergence step: the first dev evaluation within {settings.ConvergenceTolerance} (absolute) of the final dev accuracy.");
        md.AppendLine();

        var charts = withImages ? StudyPlots.Plan(report) : [];
        foreach (var dataset in report.Datasets)
        {
            RenderDataset(md, dataset, settings, charts.Where(c => c.Dataset == dataset.Dataset).ToList());
        }

        RenderPruned(md, report.Pruned);
        return md.ToString();
    }

    private static void RenderSearch(StringBuilder md, SearchSummary? search)
    {
        if (search is null)
        {
            return;
        }

        md.AppendLine("## Search");
        md.AppendLine();
        var random = search.RandomTrials is { } n ? $"random search, {n} configurations drawn with seed {search.RandomSeed}" : null;
        var strategy = search.ReductionFactor is { } eta
            ? $"ASHA (successive halving), η = {eta}, rungs at {(search.Rungs.Count == 0 ? "none" : string.Join(", ", search.Rungs.Select(r => r.Step)))} steps of {search.MaxSteps}, {(search.Synchronous == true ? "synchronous (rung barriers)" : "asynchronous")}, ranked by {search.Metric}, over {random ?? "the grid's points"}"
            : random ?? "grid";
        md.AppendLine($"- Strategy: {strategy}.");
        md.AppendLine($"- Configurations tried: {search.Configurations}.");
        if (search.Rungs.Count > 0)
        {
            md.AppendLine("- Trials per rung reached: " + string.Join(" · ", search.Rungs.Select(r => $"step {r.Step}: {r.Reached}")) + ".");
        }

        var share = search.ComputeFraction is { } f ? $" ({f * 100:0.#} %)" : string.Empty;
        md.AppendLine($"- Compute: {search.StepsTrained:N0} steps trained of {search.FullGridSteps:N0} for the full grid ({search.Configurations} × {search.MaxSteps}){share}.");
        md.AppendLine();
    }

    private static void RenderPruned(StringBuilder md, IReadOnlyList<PrunedTrial> pruned)
    {
        if (pruned.Count == 0)
        {
            return;
        }

        md.AppendLine($"## Pruned at a rung ({pruned.Count})");
        md.AppendLine();
        md.AppendLine("Stopped by the search at a rung; their metrics are from fewer steps, so they enter no mean, comparison or filter study. Best dev accuracy first.");
        md.AppendLine();
        md.AppendLine("| trial | dataset | model | lr | seed | rung step | dev accuracy |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var p in pruned)
        {
            md.AppendLine($"| `{p.TrialId}` | {p.Dataset} | {p.Model.Label} | {StudyFormat.Lr(p.LearningRate)} | {p.Seed} | {p.Step} | {StudyFormat.Num(p.DevAccuracy)} |");
        }

        md.AppendLine();
    }

    private static void RenderDataset(StringBuilder md, DatasetStudy dataset, StudySettings settings, List<StudyChart> charts)
    {
        var paper = dataset.Paper;
        md.AppendLine($"## Dataset `{dataset.Dataset}`");
        md.AppendLine();
        foreach (var note in dataset.Notes)
        {
            md.AppendLine($"> {note}");
            md.AppendLine();
        }

        md.AppendLine(paper is null ? "### Accuracy" : $"### Accuracy (paper Table {paper.Tables.Split(',')[0]})");
        md.AppendLine();
        md.AppendLine("| model | lr (best dev) | train | dev | test | weighted F1 | weighted AR | convergence step | status |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var m in dataset.Models)
        {
            md.AppendLine($"| {m.Model.Label} | {StudyFormat.Lr(m.ChosenLearningRate)} | {StudyFormat.Stat(m.TrainAccuracy)} | {StudyFormat.Stat(m.DevAccuracy)} | {StudyFormat.Stat(m.TestAccuracy)} | {StudyFormat.Stat(m.TestWeightedF1)} | {StudyFormat.Stat(m.TestWeightedAreaRatio)} | {StudyFormat.Stat(m.ConvergenceStep, "0")} | {ModelStatus(m)} |");
        }

        if (paper is not null)
        {
            foreach (var p in paper.Accuracy)
            {
                var dev = p.DevAccuracy is { } d ? StudyFormat.Num(d) : $"— ({p.Note})";
                md.AppendLine($"| *paper: {p.Model}* | — | *{StudyFormat.Num(p.TrainAccuracy)}* | *{dev}* | *{StudyFormat.Num(p.TestAccuracy)}* | *{StudyFormat.Num(p.WeightedF1)}* | *{StudyFormat.Num(p.WeightedAreaRatio)}* | — | paper |");
            }
        }

        md.AppendLine();
        md.AppendLine("Learning rates considered (mean dev accuracy):");
        md.AppendLine();
        foreach (var m in dataset.Models)
        {
            var candidates = string.Join("; ", m.Candidates.Select(c =>
                $"{StudyFormat.Lr(c.LearningRate)}: {StudyFormat.Stat(c.DevAccuracy)}{(c.Complete ? string.Empty : " (incomplete)")}"));
            md.AppendLine($"- {m.Model.Label}: {candidates}");
        }

        md.AppendLine();
        RenderTrialIssues(md, dataset.Models.SelectMany(m => m.Missing).ToList(), dataset.Models.SelectMany(m => m.Diverged).ToList());
        RenderPerClass(md, dataset);
        RenderFilterStudies(md, dataset, settings);
        RenderPairStudy(md, "Dense vs conv", dataset.DenseVsConv, settings, null);
        RenderPairStudy(md, "Extra conv layer", dataset.ExtraConvLayer, settings, paper?.Studies.FirstOrDefault(s => s.Study == "extra-conv-layer"));
        foreach (var note in paper?.Studies ?? [])
        {
            // Studies this sweep did not run still get the paper's figure, so the reader knows what to compare with.
            if ((note.Study == "filters" && dataset.FilterStudies.Count == 0) || (note.Study == "extra-conv-layer" && dataset.ExtraConvLayer.Count == 0))
            {
                RenderPaperStudy(md, note);
            }
        }

        if (charts.Count > 0)
        {
            md.AppendLine("### Charts");
            md.AppendLine();
            foreach (var chart in charts)
            {
                md.AppendLine($"![{chart.Title}]({chart.FileName})");
                md.AppendLine();
            }
        }
    }

    private static string ModelStatus(ModelSummary m)
    {
        var parts = new List<string>();
        if (!m.Complete)
        {
            parts.Add($"INCOMPLETE ({m.Missing.Count} missing)");
        }

        if (m.Diverged.Count > 0)
        {
            parts.Add($"{m.Diverged.Count} diverged (excluded)");
        }

        return parts.Count == 0 ? "complete" : string.Join(", ", parts);
    }

    private static void RenderTrialIssues(StringBuilder md, IReadOnlyList<TrialRef> missing, IReadOnlyList<string> diverged)
    {
        if (missing.Count > 0)
        {
            md.AppendLine($"Missing trials ({missing.Count}): " + string.Join(", ", missing.Select(m => $"`{m.TrialId}` ({StatusWord(m.Status)})")));
            md.AppendLine();
        }

        if (diverged.Count > 0)
        {
            md.AppendLine($"Diverged trials, excluded from means ({diverged.Count}): " + string.Join(", ", diverged.Select(d => $"`{d}`")));
            md.AppendLine();
        }
    }

    private static string StatusWord(TrialStatus status) => status.ToString().ToLowerInvariant();

    private static void RenderPerClass(StringBuilder md, DatasetStudy dataset)
    {
        var models = dataset.Models.Where(m => m.PerClass.Count > 0).ToList();
        if (models.Count == 0)
        {
            return;
        }

        var paper = dataset.Paper;
        md.AppendLine(paper is null ? "### Per class (test set)" : $"### Per class (test set; paper Table {paper.Tables.Split(',')[^1].Trim()})");
        md.AppendLine();
        var header = new StringBuilder("| class | count |");
        var rule = new StringBuilder("|---|---|");
        foreach (var m in models)
        {
            header.Append($" F1 {m.Model.Label} |");
            rule.Append("---|");
        }

        foreach (var m in models)
        {
            header.Append($" AR {m.Model.Label} |");
            rule.Append("---|");
        }

        if (paper is not null)
        {
            header.Append(" paper count |");
            rule.Append("---|");
            foreach (var name in paper.Models)
            {
                header.Append($" *paper F1 {name}* |");
                rule.Append("---|");
            }

            foreach (var name in paper.Models)
            {
                header.Append($" *paper AR {name}* |");
                rule.Append("---|");
            }
        }

        md.AppendLine(header.ToString());
        md.AppendLine(rule.ToString());
        var labels = models.SelectMany(m => m.PerClass).Select(c => c.Label).Distinct().Order().ToList();
        foreach (var label in labels)
        {
            var first = models.SelectMany(m => m.PerClass).First(c => c.Label == label);
            var row = new StringBuilder($"| {first.Name} | {first.Count} |");
            foreach (var m in models)
            {
                row.Append($" {StudyFormat.Stat(m.PerClass.FirstOrDefault(c => c.Label == label)?.F1)} |");
            }

            foreach (var m in models)
            {
                row.Append($" {StudyFormat.Stat(m.PerClass.FirstOrDefault(c => c.Label == label)?.AreaRatio)} |");
            }

            if (paper is not null)
            {
                var p = paper.PerClass.FirstOrDefault(c => c.Label == label);
                row.Append(p is null ? " — |" : $" *{p.Count}* |");
                for (var i = 0; i < paper.Models.Count; i++)
                {
                    row.Append(p is null ? " — |" : $" *{StudyFormat.Num(p.F1[i])}* |");
                }

                for (var i = 0; i < paper.Models.Count; i++)
                {
                    row.Append(p is null ? " — |" : $" *{StudyFormat.Num(p.AreaRatio[i])}* |");
                }
            }

            md.AppendLine(row.ToString());
        }

        var average = new StringBuilder("| **weighted average** | |");
        foreach (var m in models)
        {
            average.Append($" **{StudyFormat.Stat(m.TestWeightedF1)}** |");
        }

        foreach (var m in models)
        {
            average.Append($" **{StudyFormat.Stat(m.TestWeightedAreaRatio)}** |");
        }

        if (paper is not null)
        {
            average.Append(" |");
            foreach (var p in paper.Accuracy)
            {
                average.Append($" *{StudyFormat.Num(p.WeightedF1)}* |");
            }

            foreach (var p in paper.Accuracy)
            {
                average.Append($" *{StudyFormat.Num(p.WeightedAreaRatio)}* |");
            }
        }

        md.AppendLine(average.ToString());
        md.AppendLine();
    }

    private static void RenderFilterStudies(StringBuilder md, DatasetStudy dataset, StudySettings settings)
    {
        if (dataset.FilterStudies.Count == 0)
        {
            return;
        }

        var level = $"{settings.ConfidenceLevel * 100:0.##} %";
        md.AppendLine("### Filter-count study");
        md.AppendLine();
        foreach (var study in dataset.FilterStudies)
        {
            var smallest = study.Rows[0].Filters;
            md.AppendLine($"`{study.Architecture}` at lr {StudyFormat.Lr(study.LearningRate)} (best mean dev accuracy over the filter counts){(study.Complete ? string.Empty : " — **INCOMPLETE**, provisional")}:");
            md.AppendLine();
            md.AppendLine($"| filters | test accuracy | weighted F1 | weighted AR | gain over {smallest} filters [{level} t CI] | McNemar p (pooled) | bootstrap {level} CI | verdict |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var row in study.Rows)
            {
                var gain = row.GainOverSmallest;
                md.AppendLine($"| {row.Filters} | {StudyFormat.Stat(row.TestAccuracy)} | {StudyFormat.Stat(row.TestWeightedF1)} | {StudyFormat.Stat(row.TestWeightedAreaRatio)} | {(gain is null ? "baseline" : DifferenceText(gain))} | {(gain is null ? "—" : StudyFormat.P(gain.McNemar?.PooledPValue))} | {(gain is null ? "—" : BootstrapText(gain))} | {(gain is null ? "—" : gain.Verdict)} |");
            }

            md.AppendLine();
            var gains = study.Rows.Select(r => r.GainOverSmallest).OfType<ComparisonResult>().ToList();
            RenderTrialIssues(md, gains.SelectMany(g => g.Missing).DistinctBy(m => m.TrialId).ToList(), gains.SelectMany(g => g.Diverged).Distinct().ToList());
        }

        RenderPaperStudy(md, dataset.Paper?.Studies.FirstOrDefault(s => s.Study == "filters"));
    }

    private static void RenderPaperStudy(StringBuilder md, PaperStudyNote? note)
    {
        if (note is null)
        {
            return;
        }

        md.AppendLine($"*Paper (Sec. 5.10, Keras, no uncertainty given): {note.Description}: ≈ +{note.ApproximateGain * 100:0} % accuracy.*");
        md.AppendLine();
    }

    private static void RenderPairStudy(StringBuilder md, string title, IReadOnlyList<ComparisonResult> comparisons, StudySettings settings, PaperStudyNote? paperNote)
    {
        if (comparisons.Count == 0)
        {
            return;
        }

        var level = $"{settings.ConfidenceLevel * 100:0.##} %";
        md.AppendLine($"### {title}");
        md.AppendLine();
        md.AppendLine($"| baseline | candidate | lr | baseline test | candidate test | difference [{level} t CI] | McNemar p pooled (Fisher) | bootstrap {level} CI | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in comparisons)
        {
            var fisher = c.McNemar is null ? string.Empty : $" ({StudyFormat.P(c.McNemar.FisherPValue)})";
            md.AppendLine($"| {c.Baseline.Label} | {c.Candidate.Label} | {StudyFormat.Lr(c.LearningRate)} | {StudyFormat.Stat(c.BaselineTestAccuracy)} | {StudyFormat.Stat(c.CandidateTestAccuracy)} | {DifferenceText(c)} | {StudyFormat.P(c.McNemar?.PooledPValue)}{fisher} | {BootstrapText(c)} | **{c.Verdict}** |");
        }

        md.AppendLine();
        foreach (var c in comparisons.Where(c => c.Seeds.Count > 0))
        {
            md.AppendLine($"Per seed, {c.Baseline.Label} → {c.Candidate.Label}: " + string.Join("; ", c.Seeds.Select(s =>
                $"seed {s.Seed}: {StudyFormat.Num(s.BaselineTestAccuracy)} → {StudyFormat.Num(s.CandidateTestAccuracy)} ({StudyFormat.Signed(s.Difference)}"
                + (s.McNemarPValue is { } p ? $", b={s.BaselineOnlyCorrect}, c={s.CandidateOnlyCorrect}, McNemar p={StudyFormat.P(p)})" : ")"))));
            md.AppendLine();
        }

        RenderTrialIssues(md, comparisons.SelectMany(c => c.Missing).DistinctBy(m => m.TrialId).ToList(), comparisons.SelectMany(c => c.Diverged).Distinct().ToList());
        RenderPaperStudy(md, paperNote);
    }

    private static string DifferenceText(ComparisonResult c) => c.Difference switch
    {
        null => "—",
        { CiLow: { } low, CiHigh: { } high } d => $"{StudyFormat.Signed(d.Mean)} [{StudyFormat.Signed(low)}, {StudyFormat.Signed(high)}] (n={d.Pairs})",
        var d => $"{StudyFormat.Signed(d.Mean)} (n={d.Pairs}, no t CI)",
    };

    private static string BootstrapText(ComparisonResult c) =>
        c.Bootstrap is { } b ? $"{StudyFormat.Signed(b.Difference)} [{StudyFormat.Signed(b.CiLow)}, {StudyFormat.Signed(b.CiHigh)}]" : "—";
}
