using System.Globalization;
using System.Text;
using Sweep.Grains.Studies;
using Sweep.Grains.Studies.Statistics;

namespace Sweep.Client.Reports;

/// <summary>
/// The report as ONE long-format CSV (RFC 4180, invariant culture, full precision), one number per row:
/// <c>section,dataset,subject,class,learningRate,metric,n,mean,sd,ciLow,ciHigh,pValue,complete,verdict</c>.
/// Sections: <c>accuracy</c> (subject = model; metrics train, dev, test, weightedF1, weightedAreaRatio,
/// convergenceStep), <c>learningRate</c> (dev accuracy of every rate tried), <c>perClass</c> (class = label;
/// metrics f1, areaRatio), <c>filters</c> (subject = "arch fN"; metrics testAccuracy, weightedF1,
/// weightedAreaRatio, gain), <c>dense-vs-conv</c> and <c>extra-conv-layer</c> (subject = "baseline vs candidate";
/// metrics baselineTestAccuracy, candidateTestAccuracy, difference [t CI, pooled McNemar p], mcnemarFisher,
/// bootstrapDifference [bootstrap CI], seedDifference per seed [class = seed, pValue = that seed's McNemar]),
/// <c>paper</c> / <c>paperPerClass</c> with the paper's numbers, <c>pruned</c> (subject = trial id, class = rung step;
/// metric devAccuracy at that step) and, for a search sweep, <c>search</c> (subject = strategy; metrics configurations,
/// stepsTrained, fullGridSteps, computeFraction, and rungReached per rung [class = rung step]).
/// </summary>
public static class StudyCsv
{
    /// <summary>The column names, in order.</summary>
    public const string Header = "section,dataset,subject,class,learningRate,metric,n,mean,sd,ciLow,ciHigh,pValue,complete,verdict";

    /// <summary>Renders the report.</summary>
    public static string Render(StudyReport report)
    {
        var csv = new StringBuilder();
        csv.Append(Header).Append('\n');
        foreach (var d in report.Datasets)
        {
            foreach (var m in d.Models)
            {
                var lr = m.ChosenLearningRate;
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "train", m.TrainAccuracy, m.Complete);
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "dev", m.DevAccuracy, m.Complete);
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "test", m.TestAccuracy, m.Complete);
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "weightedF1", m.TestWeightedF1, m.Complete);
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "weightedAreaRatio", m.TestWeightedAreaRatio, m.Complete);
                Stat(csv, "accuracy", d.Dataset, m.Model.Label, null, lr, "convergenceStep", m.ConvergenceStep, m.Complete);
                foreach (var c in m.Candidates)
                {
                    Stat(csv, "learningRate", d.Dataset, m.Model.Label, null, c.LearningRate, "dev", c.DevAccuracy, c.Complete);
                }

                foreach (var c in m.PerClass)
                {
                    var label = c.Label.ToString(CultureInfo.InvariantCulture);
                    Stat(csv, "perClass", d.Dataset, m.Model.Label, label, lr, "f1", c.F1, m.Complete);
                    Stat(csv, "perClass", d.Dataset, m.Model.Label, label, lr, "areaRatio", c.AreaRatio, m.Complete);
                }
            }

            foreach (var study in d.FilterStudies)
            {
                foreach (var row in study.Rows)
                {
                    var subject = $"{study.Architecture} f{row.Filters}";
                    Stat(csv, "filters", d.Dataset, subject, null, study.LearningRate, "testAccuracy", row.TestAccuracy, study.Complete);
                    Stat(csv, "filters", d.Dataset, subject, null, study.LearningRate, "weightedF1", row.TestWeightedF1, study.Complete);
                    Stat(csv, "filters", d.Dataset, subject, null, study.LearningRate, "weightedAreaRatio", row.TestWeightedAreaRatio, study.Complete);
                    if (row.GainOverSmallest is { } gain)
                    {
                        Difference(csv, "filters", d.Dataset, subject, "gain", gain);
                    }
                }
            }

            foreach (var c in d.DenseVsConv.Concat(d.ExtraConvLayer))
            {
                Comparison(csv, d.Dataset, c);
            }

            if (d.Paper is { } paper)
            {
                foreach (var p in paper.Accuracy)
                {
                    Value(csv, "paper", d.Dataset, p.Model, null, "train", p.TrainAccuracy);
                    if (p.DevAccuracy is { } dev)
                    {
                        Value(csv, "paper", d.Dataset, p.Model, null, "dev", dev);
                    }

                    Value(csv, "paper", d.Dataset, p.Model, null, "test", p.TestAccuracy);
                    Value(csv, "paper", d.Dataset, p.Model, null, "weightedF1", p.WeightedF1);
                    Value(csv, "paper", d.Dataset, p.Model, null, "weightedAreaRatio", p.WeightedAreaRatio);
                }

                foreach (var row in paper.PerClass)
                {
                    var label = row.Label.ToString(CultureInfo.InvariantCulture);
                    for (var i = 0; i < paper.Models.Count; i++)
                    {
                        Value(csv, "paperPerClass", d.Dataset, paper.Models[i], label, "f1", row.F1[i]);
                        Value(csv, "paperPerClass", d.Dataset, paper.Models[i], label, "areaRatio", row.AreaRatio[i]);
                    }
                }

                foreach (var s in paper.Studies)
                {
                    Value(csv, "paper", d.Dataset, s.Study, null, "approximateGain", s.ApproximateGain);
                }
            }
        }

        foreach (var p in report.Pruned)
        {
            Line(csv, "pruned", p.Dataset, p.TrialId, p.Step.ToString(CultureInfo.InvariantCulture), p.LearningRate, "devAccuracy", 1, p.DevAccuracy, null, null, null, null, true, null);
        }

        if (report.Search is { } search)
        {
            Value(csv, "search", string.Empty, search.Strategy, null, "configurations", search.Configurations);
            foreach (var r in search.Rungs)
            {
                Value(csv, "search", string.Empty, search.Strategy, r.Step.ToString(CultureInfo.InvariantCulture), "rungReached", r.Reached);
            }

            Value(csv, "search", string.Empty, search.Strategy, null, "stepsTrained", search.StepsTrained);
            Value(csv, "search", string.Empty, search.Strategy, null, "fullGridSteps", search.FullGridSteps);
            if (search.ComputeFraction is { } f)
            {
                Value(csv, "search", string.Empty, search.Strategy, null, "computeFraction", f);
            }
        }

        return csv.ToString();
    }

    private static void Comparison(StringBuilder csv, string dataset, ComparisonResult c)
    {
        var subject = $"{c.Baseline.Label} vs {c.Candidate.Label}";
        Stat(csv, c.Study, dataset, subject, null, c.LearningRate, "baselineTestAccuracy", c.BaselineTestAccuracy, c.Complete);
        Stat(csv, c.Study, dataset, subject, null, c.LearningRate, "candidateTestAccuracy", c.CandidateTestAccuracy, c.Complete);
        Difference(csv, c.Study, dataset, subject, "difference", c);
        if (c.McNemar is { } m)
        {
            Line(csv, c.Study, dataset, subject, null, c.LearningRate, "mcnemarFisher", c.Seeds.Count, null, null, null, null, m.FisherPValue, c.Complete, c.Verdict);
        }

        if (c.Bootstrap is { } b)
        {
            Line(csv, c.Study, dataset, subject, null, c.LearningRate, "bootstrapDifference", c.Seeds.Count, b.Difference, null, b.CiLow, b.CiHigh, null, c.Complete, c.Verdict);
        }

        foreach (var s in c.Seeds)
        {
            Line(csv, c.Study, dataset, subject, s.Seed.ToString(CultureInfo.InvariantCulture), c.LearningRate, "seedDifference", 1, s.Difference, null, null, null, s.McNemarPValue, c.Complete, c.Verdict);
        }
    }

    private static void Difference(StringBuilder csv, string section, string dataset, string subject, string metric, ComparisonResult c)
    {
        var d = c.Difference;
        Line(csv, section, dataset, subject, null, c.LearningRate, metric, d?.Pairs ?? 0, d?.Mean, d?.Sd, d?.CiLow, d?.CiHigh, c.McNemar?.PooledPValue, c.Complete, c.Verdict);
    }

    private static void Stat(StringBuilder csv, string section, string dataset, string subject, string? cls, double? lr, string metric, SummaryStat? stat, bool complete) =>
        Line(csv, section, dataset, subject, cls, lr, metric, stat?.N ?? 0, stat?.Mean, stat?.Sd, null, null, null, complete, null);

    private static void Value(StringBuilder csv, string section, string dataset, string subject, string? cls, string metric, double value) =>
        Line(csv, section, dataset, subject, cls, null, metric, 1, value, null, null, null, null, true, null);

    private static void Line(StringBuilder csv, string section, string dataset, string subject, string? cls, double? lr, string metric, int n,
        double? mean, double? sd, double? ciLow, double? ciHigh, double? p, bool complete, string? verdict)
    {
        string[] fields =
        [
            section, dataset, subject, cls ?? string.Empty, Num(lr), metric, n.ToString(CultureInfo.InvariantCulture),
            Num(mean), Num(sd), Num(ciLow), Num(ciHigh), Num(p), complete ? "true" : "false", verdict ?? string.Empty,
        ];
        csv.Append(string.Join(',', fields.Select(Quote))).Append('\n');
    }

    private static string Num(double? value) => value is { } v ? StudyFormat.Raw(v) : string.Empty;

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
