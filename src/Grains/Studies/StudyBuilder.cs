using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Model.Training;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Studies.Paper;
using Sweep.Grains.Studies.Statistics;
using Sweep.Grains.Views;

namespace Sweep.Grains.Studies;

/// <summary>
/// Finished trials → the paper's tables and comparisons with their uncertainty. Pure and deterministic: the same
/// sweep, results and statuses give the same report, bit for bit.
/// </summary>
/// <remarks>
/// Rules (stated again in the Markdown report):
/// - A model is an architecture with a filter count. Its learning rate is the one with the best mean DEV
///   accuracy over seeds (ties: the smaller rate); test accuracy never takes part in the choice.
/// - A comparison puts both sides at one learning rate (best mean dev accuracy averaged over the sides) and pairs
///   trials by seed.
/// - Only Completed trials enter means. Diverged trials are listed and excluded. Pruned trials (stopped at a rung
///   by the search) are listed in their own section and enter no mean, comparison or filter study; like diverged
///   ones they are an outcome, not missing. Pending, running, paused, failed and cancelled trials are listed as
///   missing; a table row or comparison with any missing trial is incomplete.
/// - Significance and robustness across seeds: see <see cref="ComparisonResult"/>.
/// </remarks>
public static class StudyBuilder
{
    /// <summary>Builds the report of a sweep from its definition, its finished trials and the known statuses.</summary>
    /// <param name="results">Finished trials; results of trials the sweep does not plan are ignored.</param>
    /// <param name="statuses">Status of trials without a result (trial id → status); absent = Pending.</param>
    /// <param name="settings">Null: <see cref="StudySettings.Default"/>.</param>
    /// <param name="search">The sweep's search; null: the grid (no Search section).</param>
    /// <param name="steps">Steps trained by trials without a result (trial id → step), for the Search section; absent = 0.</param>
    public static StudyReport Build(
        SweepDefinition sweep,
        IReadOnlyList<TrialResultRecord> results,
        IReadOnlyDictionary<string, TrialStatus>? statuses = null,
        StudySettings? settings = null,
        SearchSpec? search = null,
        IReadOnlyDictionary<string, int>? steps = null)
    {
        settings ??= StudySettings.Default;
        var resultById = new Dictionary<string, TrialResultRecord>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            resultById[result.Row.TrialId] = result;
        }

        var entries = sweep.Trials.Select(spec => Resolve(spec, resultById, statuses)).ToList();
        var datasets = entries
            .GroupBy(e => e.Spec.Dataset.Name, StringComparer.Ordinal)
            .Select(group => BuildDataset(group.Key, group.ToList(), sweep.Studies, settings))
            .ToList();

        var counts = new TrialCounts(
            entries.Count,
            entries.Count(e => e.Status == TrialStatus.Completed),
            entries.Count(e => e.Status == TrialStatus.Diverged),
            entries.Count(e => e.Status == TrialStatus.Failed),
            entries.Count(e => e.Status == TrialStatus.Cancelled),
            entries.Count(e => e.Status == TrialStatus.Running),
            entries.Count(e => e.Status == TrialStatus.Pending),
            entries.Count(e => e.Status == TrialStatus.Paused),
            entries.Count(e => e.Status == TrialStatus.Pruned));
        var complete = entries.All(e => e.Status.IsFinished());
        var pruned = entries
            .Where(e => e.Status == TrialStatus.Pruned && e.Result is not null)
            .Select(e => new PrunedTrial(e.Spec.TrialId, e.Spec.Dataset.Name, new ModelRef(e.Spec.Architecture, e.Spec.Filters),
                e.Spec.LearningRate, e.Spec.Seed, e.Result!.Row.Steps, e.Result.Row.DevAccuracy))
            .OrderByDescending(p => double.IsNaN(p.DevAccuracy) ? double.NegativeInfinity : p.DevAccuracy)
            .ThenBy(p => p.TrialId, StringComparer.Ordinal)
            .ToList();
        var searchSummary = search is not null && SweepSearch.IsSearch(search) ? Summarise(search, entries, steps) : null;
        return new StudyReport(StudyReport.CurrentSchemaVersion, sweep.SweepId, sweep.GridHash, settings, counts, complete, datasets, pruned, searchSummary);
    }

    private static SearchSummary Summarise(SearchSpec search, List<TrialEntry> entries, IReadOnlyDictionary<string, int>? steps)
    {
        var asha = search.Asha;
        var trained = entries.Select(e => e.Result?.Row.Steps ?? steps?.GetValueOrDefault(e.Spec.TrialId) ?? 0).ToList();
        var maxima = entries.Select(e => asha?.MaxSteps ?? e.Spec.Training.Steps).ToList();
        var rungs = SweepSearch.Rungs(search).Select(r => new RungReach(r, trained.Count(t => t >= r))).ToList();
        long stepsTrained = trained.Sum(t => (long)t);
        long full = maxima.Sum(m => (long)m);
        return new SearchSummary(
            asha is null ? "random" : "asha",
            search.RandomTrials,
            search.RandomSeed,
            asha?.ReductionFactor,
            asha?.Synchronous,
            asha?.Metric,
            maxima.Count == 0 ? asha?.MaxSteps ?? 0 : maxima.Max(),
            rungs,
            entries.Count,
            stepsTrained,
            full,
            full == 0 ? null : (double)stepsTrained / full);
    }

    /// <summary>
    /// The first eval step whose dev accuracy is within <paramref name="tolerance"/> (absolute) of the final dev
    /// accuracy (the last evaluated point); null for a curve without dev evaluations.
    /// </summary>
    public static int? ConvergenceStep(IReadOnlyList<CurvePoint> curve, double tolerance)
    {
        var evals = curve.Where(p => !double.IsNaN(p.DevAccuracy)).OrderBy(p => p.Step).ToList();
        if (evals.Count == 0)
        {
            return null;
        }

        var final = evals[^1].DevAccuracy;
        return evals.First(p => Math.Abs(p.DevAccuracy - final) <= tolerance).Step;
    }

    private static TrialEntry Resolve(TrialSpec spec, Dictionary<string, TrialResultRecord> results, IReadOnlyDictionary<string, TrialStatus>? statuses)
    {
        if (results.TryGetValue(spec.TrialId, out var result))
        {
            return new TrialEntry(spec, result.Row.Status, result);
        }

        var status = statuses is not null && statuses.TryGetValue(spec.TrialId, out var known) ? known : TrialStatus.Pending;
        return new TrialEntry(spec, status, null);
    }

    private static DatasetStudy BuildDataset(string dataset, List<TrialEntry> entries, StudyPlan plan, StudySettings settings)
    {
        var paper = entries.Any(e => e.Spec.Dataset.Kind != DatasetKind.Synthetic) ? PaperReferences.For(dataset) : null;
        var groups = entries
            .GroupBy(e => new ModelRef(e.Spec.Architecture, e.Spec.Filters))
            .Select(g => new ModelTrials(g.Key, g.ToList()))
            .ToList();
        var models = groups.Select(g => Summarise(g, paper, settings)).ToList();
        var notes = new List<string>();

        var filterStudies = new List<FilterStudy>();
        if (plan.Filters)
        {
            foreach (var architecture in groups.Where(g => g.Model.Filters > 0).Select(g => g.Model.Architecture).Distinct(StringComparer.Ordinal))
            {
                var sides = groups.Where(g => g.Model.Architecture == architecture).OrderBy(g => g.Model.Filters).ToList();
                if (sides.Count >= 2)
                {
                    filterStudies.Add(BuildFilterStudy(architecture, sides, settings));
                }
            }

            if (filterStudies.Count == 0)
            {
                notes.Add($"filter-count study: no conv architecture has two or more filter counts on dataset '{dataset}'.");
            }
        }

        var denseVsConv = plan.DenseVsConv is { } dense ? BuildPairStudy("dense-vs-conv", dense, groups, dataset, notes, settings) : [];
        var extraConv = plan.ExtraConvLayer is { } extra ? BuildPairStudy("extra-conv-layer", extra, groups, dataset, notes, settings) : [];
        return new DatasetStudy(dataset, models, filterStudies, denseVsConv, extraConv, notes, paper);
    }

    private static ModelSummary Summarise(ModelTrials group, PaperReference? paper, StudySettings settings)
    {
        var candidates = group.Trials
            .GroupBy(e => e.Spec.LearningRate)
            .OrderBy(g => g.Key)
            .Select(g => new LearningRateCandidate(
                g.Key,
                SummaryStat.Of(g.Where(e => e.Usable).Select(e => e.Result!.Row.DevAccuracy).ToList()),
                g.All(e => e.HasOutcome)))
            .ToList();
        var chosen = candidates
            .Where(c => c.DevAccuracy is not null)
            .OrderByDescending(c => c.DevAccuracy!.Mean)
            .ThenBy(c => c.LearningRate)
            .Select(c => (double?)c.LearningRate)
            .FirstOrDefault();
        var used = chosen is { } lr ? group.UsableAt(lr) : [];
        var rows = used.Select(e => e.Result!.Row).ToList();
        var steps = used
            .Select(e => ConvergenceStep(e.Result!.Curve, settings.ConvergenceTolerance))
            .Where(s => s is not null)
            .Select(s => (double)s!.Value)
            .ToList();

        return new ModelSummary(
            group.Model,
            chosen,
            candidates,
            SummaryStat.Of(rows.Select(r => r.TrainAccuracy).ToList()),
            SummaryStat.Of(rows.Select(r => r.DevAccuracy).ToList()),
            SummaryStat.Of(rows.Select(r => r.TestAccuracy).ToList()),
            SummaryStat.Of(rows.Select(r => r.TestWeightedF1).ToList()),
            SummaryStat.Of(rows.Select(r => r.TestWeightedAreaRatio).ToList()),
            PerClass(used.Select(e => e.Result!.Test).OfType<Evaluation>().ToList(), paper),
            SummaryStat.Of(steps),
            used.Select(e => e.Spec.TrialId).ToList(),
            Missing(group.Trials),
            Diverged(group.Trials),
            group.Trials.All(e => e.HasOutcome));
    }

    private static List<ClassSummary> PerClass(List<Evaluation> evaluations, PaperReference? paper)
    {
        var labels = evaluations.SelectMany(e => e.PerClass).Select(c => c.Label).Distinct().Order().ToList();
        return labels.Select(label =>
        {
            var perTrial = evaluations.SelectMany(e => e.PerClass).Where(c => c.Label == label).ToList();
            var name = paper?.PerClass.FirstOrDefault(p => p.Label == label)?.Name ?? label.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ClassSummary(
                label,
                name,
                perTrial[0].Count,
                SummaryStat.Of(perTrial.Select(c => c.F1).ToList()),
                SummaryStat.Of(perTrial.Select(c => c.AreaRatio).ToList()));
        }).ToList();
    }

    private static FilterStudy BuildFilterStudy(string architecture, List<ModelTrials> sides, StudySettings settings)
    {
        var lr = CommonLearningRate(sides);
        var smallest = sides[0];
        var rows = sides.Select(side =>
        {
            var used = lr is { } rate ? side.UsableAt(rate) : [];
            var gain = ReferenceEquals(side, smallest) ? null : Compare("filters", smallest, side, lr, settings);
            return new FilterStudyRow(
                side.Model.Filters,
                SummaryStat.Of(used.Select(e => e.Result!.Row.TestAccuracy).ToList()),
                SummaryStat.Of(used.Select(e => e.Result!.Row.TestWeightedF1).ToList()),
                SummaryStat.Of(used.Select(e => e.Result!.Row.TestWeightedAreaRatio).ToList()),
                gain);
        }).ToList();
        return new FilterStudy(architecture, lr, sides.All(s => s.Trials.All(e => e.HasOutcome)), rows);
    }

    private static List<ComparisonResult> BuildPairStudy(string study, StudyPair pair, List<ModelTrials> groups, string dataset, List<string> notes, StudySettings settings)
    {
        var baselines = groups.Where(g => g.Model.Architecture == pair.Baseline).ToList();
        var candidates = groups.Where(g => g.Model.Architecture == pair.Candidate).ToList();
        foreach (var (name, side) in new[] { (pair.Baseline, baselines), (pair.Candidate, candidates) })
        {
            if (side.Count == 0)
            {
                notes.Add($"{study}: architecture '{name}' has no trials on dataset '{dataset}'.");
            }
        }

        if (baselines.Count == 0 || candidates.Count == 0)
        {
            return [];
        }

        // Equal filter counts where both sides have a filter axis in common; otherwise every combination
        // (e.g. dnn (no filters) against each cnn filter count).
        var common = baselines.Select(b => b.Model.Filters).Intersect(candidates.Select(c => c.Model.Filters)).ToHashSet();
        var pairs = common.Count > 0
            ? baselines.Where(b => common.Contains(b.Model.Filters)).Select(b => (b, candidates.First(c => c.Model.Filters == b.Model.Filters)))
            : baselines.SelectMany(b => candidates.Select(c => (b, c)));
        return pairs
            .OrderBy(p => p.Item1.Model.Filters)
            .ThenBy(p => p.Item2.Model.Filters)
            .Select(p => Compare(study, p.Item1, p.Item2, CommonLearningRate([p.Item1, p.Item2]), settings))
            .ToList();
    }

    /// <summary>
    /// The learning rate most sides have completed trials at, then the best mean dev accuracy averaged over those
    /// sides, then the smaller rate. Null when no side has a completed trial.
    /// </summary>
    private static double? CommonLearningRate(IReadOnlyList<ModelTrials> sides)
    {
        return sides
            .SelectMany(s => s.Trials.Select(e => e.Spec.LearningRate))
            .Distinct()
            .Select(lr =>
            {
                var means = sides
                    .Select(s => s.UsableAt(lr))
                    .Where(u => u.Count > 0)
                    .Select(u => u.Average(e => e.Result!.Row.DevAccuracy))
                    .ToList();
                return (Lr: lr, Sides: means.Count, Score: means.Count > 0 ? means.Average() : double.NegativeInfinity);
            })
            .Where(x => x.Sides > 0)
            .OrderByDescending(x => x.Sides)
            .ThenByDescending(x => x.Score)
            .ThenBy(x => x.Lr)
            .Select(x => (double?)x.Lr)
            .FirstOrDefault();
    }

    private static ComparisonResult Compare(string study, ModelTrials baseline, ModelTrials candidate, double? lr, StudySettings settings)
    {
        var all = baseline.Trials.Concat(candidate.Trials).ToList();
        var missing = Missing(all);
        var diverged = Diverged(all);
        var complete = missing.Count == 0;
        var baseUsed = lr is { } rate ? baseline.UsableAt(rate) : [];
        var candUsed = lr is { } rate2 ? candidate.UsableAt(rate2) : [];
        var paired = baseUsed
            .Join(candUsed, b => b.Spec.Seed, c => c.Spec.Seed, (b, c) => (Base: b.Result!, Cand: c.Result!, Seed: b.Spec.Seed))
            .OrderBy(p => p.Seed)
            .ToList();

        var seeds = new List<SeedComparison>();
        var correctness = new List<(bool[] Base, bool[] Cand)>();
        foreach (var (b, c, seed) in paired)
        {
            var pair = CorrectnessPair(b.TestPredictions, c.TestPredictions);
            int? onlyBase = null;
            int? onlyCand = null;
            double? p = null;
            if (pair is { } flags)
            {
                correctness.Add(flags);
                onlyBase = 0;
                onlyCand = 0;
                for (var i = 0; i < flags.Base.Length; i++)
                {
                    onlyBase += flags.Base[i] && !flags.Cand[i] ? 1 : 0;
                    onlyCand += !flags.Base[i] && flags.Cand[i] ? 1 : 0;
                }

                p = McNemar.ExactPValue(onlyBase.Value, onlyCand.Value);
            }

            seeds.Add(new SeedComparison(seed, b.Row.TrialId, c.Row.TrialId, b.Row.TestAccuracy, c.Row.TestAccuracy,
                c.Row.TestAccuracy - b.Row.TestAccuracy, onlyBase, onlyCand, p));
        }

        var difference = Difference(seeds.Select(s => s.Difference).ToList(), settings.ConfidenceLevel);
        var mcnemar = seeds.Count > 0 && seeds.All(s => s.McNemarPValue is not null)
            ? new McNemarSummary(
                seeds.Sum(s => s.BaselineOnlyCorrect!.Value),
                seeds.Sum(s => s.CandidateOnlyCorrect!.Value),
                McNemar.ExactPValue(seeds.Sum(s => s.BaselineOnlyCorrect!.Value), seeds.Sum(s => s.CandidateOnlyCorrect!.Value)),
                McNemar.FisherCombinedPValue(seeds.Select(s => s.McNemarPValue!.Value).ToList()))
            : null;
        var bootstrap = mcnemar is not null && correctness.Select(c => c.Base.Length).Distinct().Count() == 1
            ? Bootstrap(correctness, settings)
            : null;

        var (significant, robust, verdict) = Judge(complete, missing.Count, seeds.Count, difference, mcnemar, bootstrap, settings.Alpha);
        return new ComparisonResult(
            study,
            baseline.Model,
            candidate.Model,
            lr,
            complete,
            missing,
            diverged,
            SummaryStat.Of(baseUsed.Select(e => e.Result!.Row.TestAccuracy).ToList()),
            SummaryStat.Of(candUsed.Select(e => e.Result!.Row.TestAccuracy).ToList()),
            seeds,
            difference,
            mcnemar,
            bootstrap,
            significant,
            robust,
            verdict);
    }

    private static (bool? Significant, bool? Robust, string Verdict) Judge(bool complete, int missing, int pairs, DifferenceEstimate? difference, McNemarSummary? mcnemar, BootstrapSummary? bootstrap, double alpha)
    {
        var level = $"{alpha * 100:0.##} %";
        bool? robust = pairs >= 2 ? ExcludesZero(difference!.CiLow, difference.CiHigh) : null;
        if (!complete)
        {
            return (null, robust, $"INCOMPLETE: {missing} trial(s) without a result; numbers are provisional");
        }

        if (pairs == 0)
        {
            return (null, null, "no paired trials: no seed has a completed trial on both sides");
        }

        var (significant, basis) = (pairs, mcnemar, bootstrap) switch
        {
            (1, { } m, _) => ((bool?)(m.PooledPValue < alpha), $"McNemar p = {StudyFormat.P(m.PooledPValue)}"),
            (1, null, _) => (null, string.Empty),
            (_, _, { } b) => (ExcludesZero(b.CiLow, b.CiHigh), ExcludesZero(b.CiLow, b.CiHigh) ? string.Empty : "the bootstrap CI includes 0"),
            _ => (robust, "no test predictions: t CI over seeds"),
        };
        if (significant is null)
        {
            return (null, robust, "undecidable: one seed and no test predictions");
        }

        var verdict = significant.Value ? $"significant at {level}" : $"not significant at {level}";
        var notes = new List<string>();
        if (!significant.Value || mcnemar is null)
        {
            notes.Add(basis);
        }

        if (robust == false && (mcnemar is not null || bootstrap is not null))
        {
            notes.Add($"not robust across seeds: the t CI over {pairs} seeds includes 0");
        }

        notes.RemoveAll(string.IsNullOrEmpty);
        return (significant, robust, notes.Count == 0 ? verdict : $"{verdict} ({string.Join("; ", notes)})");
    }

    private static bool ExcludesZero(double? low, double? high) => (low > 0 && high > 0) || (low < 0 && high < 0);

    private static DifferenceEstimate? Difference(IReadOnlyList<double> differences, double confidence)
    {
        var stat = SummaryStat.Of(differences);
        if (stat is null)
        {
            return null;
        }

        if (stat.Sd is not { } sd)
        {
            return new DifferenceEstimate(stat.Mean, null, stat.N, null, null, null);
        }

        var t = StudentT.InverseCdf((1 + confidence) / 2, stat.N - 1);
        var half = t * sd / Math.Sqrt(stat.N);
        return new DifferenceEstimate(stat.Mean, sd, stat.N, t, stat.Mean - half, stat.Mean + half);
    }

    private static BootstrapSummary Bootstrap(List<(bool[] Base, bool[] Cand)> correctness, StudySettings settings)
    {
        var count = correctness[0].Base.Length;
        var perImage = new double[count];
        foreach (var (b, c) in correctness)
        {
            for (var i = 0; i < count; i++)
            {
                perImage[i] += (c[i] ? 1 : 0) - (b[i] ? 1 : 0);
            }
        }

        var mean = 0.0;
        for (var i = 0; i < count; i++)
        {
            perImage[i] /= correctness.Count;
            mean += perImage[i];
        }

        var (low, high) = PairedBootstrap.DifferenceInterval(perImage, settings.BootstrapResamples, settings.BootstrapSeed, settings.ConfidenceLevel);
        return new BootstrapSummary(settings.BootstrapResamples, settings.BootstrapSeed, mean / count, low, high);
    }

    /// <summary>Per test image whether each model's argmax is right; null unless both cover the same labelled images.</summary>
    private static (bool[] Base, bool[] Cand)? CorrectnessPair(Predictions? baseline, Predictions? candidate)
    {
        if (baseline is null || candidate is null || baseline.Count == 0 || baseline.Count != candidate.Count
            || baseline.Classes != candidate.Classes || !baseline.Labels.AsSpan().SequenceEqual(candidate.Labels))
        {
            return null;
        }

        return (Correct(baseline), Correct(candidate));
    }

    private static bool[] Correct(Predictions predictions)
    {
        var correct = new bool[predictions.Count];
        for (var i = 0; i < predictions.Count; i++)
        {
            // The predicted class exactly as the accuracy counts it.
            var row = predictions.Probabilities.AsSpan(i * predictions.Classes, predictions.Classes);
            correct[i] = MetricsCalculator.ArgMax(row) == predictions.Labels[i];
        }

        return correct;
    }

    private static List<TrialRef> Missing(IEnumerable<TrialEntry> trials) =>
        trials.Where(e => !e.HasOutcome).Select(e => new TrialRef(e.Spec.TrialId, e.Status)).ToList();

    private static List<string> Diverged(IEnumerable<TrialEntry> trials) =>
        trials.Where(e => e.Status == TrialStatus.Diverged).Select(e => e.Spec.TrialId).ToList();

    /// <summary>A planned trial with its status and, when it has one, its result.</summary>
    private sealed record TrialEntry(TrialSpec Spec, TrialStatus Status, TrialResultRecord? Result)
    {
        /// <summary>Completed with a result: enters the means.</summary>
        public bool Usable => Status == TrialStatus.Completed && Result is not null;

        /// <summary>Usable, diverged or pruned: nothing more will come of it and nothing is missing.</summary>
        public bool HasOutcome => Usable || Status is TrialStatus.Diverged or TrialStatus.Pruned;
    }

    private sealed record ModelTrials(ModelRef Model, List<TrialEntry> Trials)
    {
        public List<TrialEntry> UsableAt(double learningRate) =>
            Trials.Where(e => e.Usable && e.Spec.LearningRate == learningRate).OrderBy(e => e.Spec.Seed).ToList();
    }
}
