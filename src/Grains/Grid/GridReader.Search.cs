using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Search;

namespace Sweep.Grains.Grid;

/// <summary>The <c>search</c> field (grid, random or ASHA) and the axis distributions a random search allows.</summary>
internal sealed partial class GridReader
{
    private const string SearchForms =
        "\"grid\", {\"random\": {\"trials\", \"seed\"}} or {\"asha\": {\"minSteps\", \"maxSteps\", \"reductionFactor\", \"synchronous\", \"metric\", \"random\"}}";

    /// <summary>The search a <c>search</c> value asks for; null (with errors) when it is invalid.</summary>
    public SearchSpec? ReadSearch(JsonElement element)
    {
        const string path = "$.search";
        if (element.ValueKind == JsonValueKind.String && element.GetString() == "grid")
        {
            return SearchSpec.Grid;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected {SearchForms}; found {Found(element)}");
            return null;
        }

        var errorsBefore = _errors.Count;
        var fields = Fields(element, path, GridNames.SearchKinds);
        if (fields.Count != 1)
        {
            if (_errors.Count == errorsBefore)
            {
                Error(path, $"expected {SearchForms}; found an object with {fields.Count} of random, asha: give exactly one");
            }

            return null;
        }

        if (fields.TryGetValue("random", out var random))
        {
            return ReadRandomSearch(random, path + ".random") is var (trials, seed) && _errors.Count == errorsBefore
                ? new SearchSpec(trials, seed, null)
                : null;
        }

        return ReadAsha(fields["asha"], path + ".asha", errorsBefore);
    }

    private (int Trials, ulong Seed)? ReadRandomSearch(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected an object {{\"trials\": 1 to {GridLimits.MaxRandomTrials}, \"seed\": a whole number}}; found {Found(element)}");
            return null;
        }

        var fields = Fields(element, path, GridNames.RandomSearchFields);
        var trials = Required(fields, "trials", path, $"how many configurations to draw, 1 to {GridLimits.MaxRandomTrials}") is { } t
            ? ReadInt(t, path + ".trials", 1, GridLimits.MaxRandomTrials)
            : null;
        ulong? seed = 1;
        if (fields.TryGetValue("seed", out var seedElement))
        {
            seed = seedElement.ValueKind == JsonValueKind.Number && seedElement.TryGetUInt64(out var s) ? s : null;
            if (seed is null)
            {
                Error(path + ".seed", $"expected a whole number from 0 to {ulong.MaxValue}; found {Found(seedElement)}");
            }
        }

        return trials is { } n && seed is { } value ? (n, value) : null;
    }

    private SearchSpec? ReadAsha(JsonElement element, string path, int errorsBefore)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected an object {{\"minSteps\", \"maxSteps\", \"reductionFactor\", \"synchronous\", \"metric\", \"random\"}}; found {Found(element)}");
            return null;
        }

        var fields = Fields(element, path, GridNames.AshaFields);
        var metric = fields.TryGetValue("metric", out var metricElement)
            ? ReadKeyword(metricElement, path + ".metric", "metric", GridNames.AshaMetrics)
            : AshaSettings.DevAccuracy;
        var minSteps = Required(fields, "minSteps", path, "the first rung's step") is { } m
            ? ReadInt(m, path + ".minSteps", 1, GridLimits.MaxSteps)
            : null;
        var maxSteps = Required(fields, "maxSteps", path, "the step every trial that is never pruned trains to") is { } big
            ? ReadInt(big, path + ".maxSteps", 1, GridLimits.MaxSteps)
            : null;
        if (minSteps is { } low && maxSteps is { } high && low >= high)
        {
            Error(path + ".minSteps", $"minSteps ({low}) must be less than maxSteps ({high}): the first rung comes before the end of training");
        }

        var reductionFactor = OptionalInt(fields, "reductionFactor", path, 2, int.MaxValue, 3);
        var synchronous = false;
        if (fields.TryGetValue("synchronous", out var synchronousElement))
        {
            if (synchronousElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                synchronous = synchronousElement.GetBoolean();
            }
            else
            {
                Error(path + ".synchronous", $"expected true (rung barriers) or false (asynchronous); found {Found(synchronousElement)}");
            }
        }

        var random = fields.TryGetValue("random", out var randomElement) ? ReadRandomSearch(randomElement, path + ".random") : null;
        if (_errors.Count > errorsBefore || metric is null || minSteps is null || maxSteps is null)
        {
            return null;
        }

        var asha = new AshaSettings(metric, minSteps.Value, maxSteps.Value, reductionFactor, synchronous);
        return new SearchSpec(random?.Trials, random?.Seed, asha);
    }

    /// <summary>
    /// ASHA's demands on the training settings: every trial trains to maxSteps (so <c>steps</c>, where given, must
    /// be maxSteps), has a dev split, and evaluates it at every rung. Returns the settings with Steps = maxSteps.
    /// </summary>
    private (TrainingSettings Training, ImmutableArray<GridDataset> Datasets) ApplyAsha(
        AshaSettings asha, Dictionary<string, JsonElement> fields, TrainingSettings training, ImmutableArray<GridDataset> datasets)
    {
        if (fields.TryGetValue("training", out var trainingElement) && trainingElement.ValueKind == JsonValueKind.Object
            && trainingElement.TryGetProperty("steps", out var steps))
        {
            CheckStepsAreMax(asha, steps, "$.training.steps");
        }

        if (fields.TryGetValue("datasets", out var datasetsElement) && datasetsElement.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in datasetsElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("training", out var overrides)
                    && overrides.ValueKind == JsonValueKind.Object && overrides.TryGetProperty("steps", out var datasetSteps))
                {
                    CheckStepsAreMax(asha, datasetSteps, $"$.datasets[{index}].training.steps");
                }

                index++;
            }
        }

        CheckRungs(asha, training, string.Empty);
        foreach (var dataset in datasets.Where(d => d.Training.EvalEvery != training.EvalEvery || d.Training.DevSize != training.DevSize))
        {
            CheckRungs(asha, dataset.Training, $" of dataset '{dataset.Ref.Name}'");
        }

        return (training with { Steps = asha.MaxSteps }, [.. datasets.Select(d => d with { Training = d.Training with { Steps = asha.MaxSteps } })]);
    }

    private void CheckStepsAreMax(AshaSettings asha, JsonElement steps, string path)
    {
        // An invalid number is already reported by the training reader.
        if (steps.ValueKind == JsonValueKind.Number && steps.TryGetDouble(out var value) && value != asha.MaxSteps)
        {
            Error(path, $"ASHA trains every trial up to maxSteps ({asha.MaxSteps}) but steps is {steps.GetRawText()}; give steps {asha.MaxSteps} or leave it out");
        }
    }

    private void CheckRungs(AshaSettings asha, TrainingSettings training, string whose)
    {
        var rungs = asha.Rungs();
        var rungList = string.Join(", ", rungs.Select(r => r.ToString(CultureInfo.InvariantCulture)));
        for (var k = 0; k < rungs.Count; k++)
        {
            if (rungs[k] % training.EvalEvery != 0)
            {
                Error("$.search.asha", $"rung {k} at step {rungs[k]} is not a multiple of training.evalEvery ({training.EvalEvery}){whose}; a rung ranks trials by the dev accuracy evaluated at its step, so every rung ({rungList}) must be a multiple of evalEvery: change minSteps, reductionFactor or evalEvery");
                break;
            }
        }

        if (training.DevSize == 0)
        {
            Error("$.search.asha", $"ASHA ranks trials by dev accuracy but training.devSize is 0{whose}; set devSize above 0");
        }
    }

    /// <summary>
    /// <c>learningRates</c>: a list, or (random search only) <c>{"uniform": [lo, hi]}</c> / <c>{"logUniform": [lo, hi]}</c>
    /// with 0 &lt; lo &lt; hi ≤ <see cref="GridLimits.MaxLearningRate"/>.
    /// </summary>
    private (ImmutableArray<double> Values, AxisDistribution? Distribution) ReadLearningRates(JsonElement element, bool randomSearch)
    {
        const string path = "$.learningRates";
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (ReadAxis(element, path, "learning rate", ReadLearningRate), null);
        }

        if (ReadDistribution(element, path, "learning rates", AxisDistribution.LearningRateKinds, randomSearch) is not var (kind, bounds, boundsPath))
        {
            return ([], null);
        }

        if (bounds is [var low, var high] && double.IsFinite(low) && double.IsFinite(high) && low > 0 && low < high && high <= GridLimits.MaxLearningRate)
        {
            return ([], new AxisDistribution(kind, low, high));
        }

        Error(boundsPath, $"expected [lo, hi] with 0 < lo < hi <= {GridLimits.MaxLearningRate}; found {Found(element.GetProperty(kind))}");
        return ([], null);
    }

    /// <summary><c>filters</c>: a list, or (random search only) <c>{"intRange": [lo, hi]}</c>, both ends included.</summary>
    private (ImmutableArray<int> Values, AxisDistribution? Range) ReadFilters(JsonElement element, bool randomSearch)
    {
        const string path = "$.filters";
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (ReadAxis(element, path, "filter count", ReadFilterCount), null);
        }

        if (ReadDistribution(element, path, "filter counts", AxisDistribution.FilterKinds, randomSearch) is not var (kind, bounds, boundsPath))
        {
            return ([], null);
        }

        if (bounds is [var low, var high] && Math.Floor(low) == low && Math.Floor(high) == high && low >= 1 && low < high && high <= GridLimits.MaxFilters)
        {
            var range = new AxisDistribution(kind, low, high);
            return ([.. range.Values()], range);
        }

        Error(boundsPath, $"expected [lo, hi], whole numbers with 1 <= lo < hi <= {GridLimits.MaxFilters}; found {Found(element.GetProperty(kind))}");
        return ([], null);
    }

    /// <summary>A one-field object naming a distribution and its two bounds, as written (checked by the caller).</summary>
    private (string Kind, double[] Bounds, string BoundsPath)? ReadDistribution(
        JsonElement element, string path, string what, IReadOnlyList<string> kinds, bool randomSearch)
    {
        var shapes = string.Join(" or ", kinds.Select(k => $"{{\"{k}\": [lo, hi]}}"));
        var errorsBefore = _errors.Count;
        var fields = Fields(element, path, kinds);
        if (_errors.Count > errorsBefore)
        {
            return null;
        }

        if (fields.Count != 1)
        {
            var found = fields.Count == 0 ? "an empty object" : $"{fields.Count} distributions";
            Error(path, $"expected a list of {what} or one distribution {shapes}; found {found}");
            return null;
        }

        var (kind, boundsElement) = fields.First();
        if (!randomSearch)
        {
            Error(path, $"a distribution ({{\"{kind}\": …}}) is only valid with random search; give a list of {what}, or add \"search\": {{\"random\": {{\"trials\", \"seed\"}}}}");
            return null;
        }

        var bounds = boundsElement.ValueKind == JsonValueKind.Array
            && boundsElement.EnumerateArray().All(b => b.ValueKind == JsonValueKind.Number)
            ? boundsElement.EnumerateArray().Select(b => b.TryGetDouble(out var v) ? v : double.NaN).ToArray()
            : [];
        return (kind, bounds, $"{path}.{kind}");
    }
}
