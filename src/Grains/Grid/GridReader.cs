using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sweep.Grains.Contracts;
using Sweep.Grains.Search;
using Sweep.Model.Data;

namespace Sweep.Grains.Grid;

/// <summary>
/// Reads a parsed grid document into a <see cref="GridSpec"/>, collecting every problem instead of stopping at the
/// first, so a user fixes a file in one round. Each problem names its JSON path, what is allowed and what was found.
/// </summary>
internal sealed partial class GridReader(string baseDirectory)
{
    /// <summary>Seed of a synthetic dataset that does not give one (sizes default to the generator's own).</summary>
    private const int DefaultSyntheticSeed = 1;
    private const int MaxPathLength = 4096;
    private const int MaxSpecLength = 1000;

    /// <summary>Training-set sizes of the catalog datasets (PAPER.md), to check the dev split fits.</summary>
    private static readonly IReadOnlyDictionary<string, (int TrainImages, ImageShape Shape)> CatalogFacts =
        new Dictionary<string, (int, ImageShape)>
        {
            ["mnist"] = (60_000, new ImageShape(1, 28, 28)),
            ["cifar10"] = (50_000, new ImageShape(3, 32, 32)),
            ["svhn"] = (73_257, new ImageShape(3, 32, 32)),
        };

    private readonly List<GridError> _errors = [];

    public IReadOnlyList<GridError> Errors => _errors;

    /// <summary>The validated grid, or null when <see cref="Errors"/> is not empty.</summary>
    public GridSpec? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("$", $"expected an object with the fields {string.Join(", ", GridNames.RootFields)}; found {Found(root)}");
            return null;
        }

        var fields = Fields(root, "$", GridNames.RootFields, RootFieldHint);
        var search = fields.TryGetValue("search", out var searchElement) ? ReadSearch(searchElement) : SearchSpec.Grid;

        // An invalid search is reported once; the distributions are then read as if it were random.
        var randomSearch = search is null || search.IsRandom;
        var name = Required(fields, "name", "$", "the sweep name") is { } nameElement
            ? ReadName(nameElement, "$.name", "sweep name")
            : null;
        var training = fields.TryGetValue("training", out var trainingElement)
            ? ReadTraining(trainingElement, "$.training", new TrainingSettings(), isOverride: false)
            : new TrainingSettings();
        var datasets = ReadDatasets(fields, training);
        if (search?.Asha is { } asha)
        {
            (training, datasets) = ApplyAsha(asha, fields, training, datasets);
        }

        var (filterAxis, filterRange) = fields.TryGetValue("filters", out var filtersElement)
            ? ReadFilters(filtersElement, randomSearch)
            : ([], null);
        var (learningRates, learningRateDistribution) = fields.TryGetValue("learningRates", out var lrElement)
            ? ReadLearningRates(lrElement, randomSearch)
            : ([1e-3], null);
        var seeds = fields.TryGetValue("seeds", out var seedsElement)
            ? ReadAxis(seedsElement, "$.seeds", "seed", (e, p) => ReadInt(e, p, 0, int.MaxValue))
            : [1];
        var architectures = ReadArchitectures(fields, filterAxis, datasets);

        // The paper's studies compare full grid cells; random draws give them only when the grid asks.
        var studies = fields.TryGetValue("studies", out var studiesElement)
            ? ReadStudies(studiesElement, architectures, filterAxis)
            : search?.IsRandom == true ? new StudyPlan() : InferStudies(architectures, filterAxis);

        // Checked even when other entries are invalid (they are left out, so the real count is at least this).
        var spec = new GridSpec(
            name ?? string.Empty, datasets, architectures, filterAxis, learningRates, seeds, training, studies,
            search ?? SearchSpec.Grid, filterRange, learningRateDistribution);
        if (search?.RandomTrials is { } draws)
        {
            var most = (long)draws * datasets.Length * seeds.Length;
            if (most > GridLimits.MaxTrials)
            {
                Error(
                    "$",
                    $"the random search can give {most} trials ({draws} configuration(s) × {datasets.Length} dataset(s) × {seeds.Length} seed(s)); at most {GridLimits.MaxTrials} are allowed: draw fewer configurations or shorten an axis");
            }
        }
        else if (spec.TrialCount > GridLimits.MaxTrials)
        {
            var conv = architectures.Count(a => a.HasConvolution);
            var dense = architectures.Length - conv;
            var archFactor = conv == 0
                ? $"{dense} architecture(s)"
                : $"({conv} convolutional architecture(s) × {architectures.First(a => a.HasConvolution).Filters.Length} filter count(s) + {dense} dense)";
            Error(
                "$",
                $"the grid expands to {spec.TrialCount} trials ({datasets.Length} dataset(s) × {archFactor} × {learningRates.Length} learning rate(s) × {seeds.Length} seed(s)); at most {GridLimits.MaxTrials} are allowed: split it into several sweeps or shorten an axis");
        }

        return _errors.Count > 0 || name is null ? null : spec;
    }

    private int? ReadFilterCount(JsonElement element, string path) => ReadInt(element, path, 1, GridLimits.MaxFilters);

    private double? ReadLearningRate(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var value)
            && double.IsFinite(value) && value > 0 && value <= GridLimits.MaxLearningRate)
        {
            return value;
        }

        Error(path, $"expected a learning rate greater than 0 and at most {GridLimits.MaxLearningRate}; found {Found(element)}");
        return null;
    }

    /// <summary>A non-empty array of distinct numbers, returned sorted ascending (an axis is a set).</summary>
    private ImmutableArray<T> ReadAxis<T>(JsonElement element, string path, string what, Func<JsonElement, string, T?> readItem)
        where T : struct, IComparable<T>
    {
        if (!NonEmptyArray(element, path, $"{what}s"))
        {
            return [];
        }

        var values = new List<T>();
        var seen = new Dictionary<T, string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (readItem(item, itemPath) is not { } value)
            {
                continue;
            }

            if (seen.TryGetValue(value, out var firstPath))
            {
                Error(itemPath, $"duplicate {what} {item.GetRawText()} (also {firstPath}); each value may appear once");
                continue;
            }

            seen[value] = itemPath;
            values.Add(value);
        }

        values.Sort();
        return [.. values];
    }

    private bool NonEmptyArray(JsonElement element, string path, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"expected an array of {what}; found {Found(element)}");
            return false;
        }

        if (element.GetArrayLength() == 0)
        {
            var hint = path == "$.filters" ? "; omit the field to use each architecture's own filter count" : string.Empty;
            Error(path, $"expected at least one of {what}; found an empty array{hint}");
            return false;
        }

        return true;
    }

    private string? ReadName(JsonElement element, string path, string what)
    {
        if (element.ValueKind == JsonValueKind.String && GridNames.IsValidName(element.GetString()!))
        {
            return element.GetString();
        }

        Error(path, $"expected a {what} of 1 to {GridLimits.MaxNameLength} characters from A-Z a-z 0-9 _ - (it becomes part of trial ids and file names); found {Found(element)}");
        return null;
    }

    private string? ReadKeyword(JsonElement element, string path, string what, IReadOnlyList<string> allowed)
    {
        if (element.ValueKind == JsonValueKind.String && allowed.Contains(element.GetString()!))
        {
            return element.GetString();
        }

        var suggestion = element.ValueKind == JsonValueKind.String ? GridNames.Suggestion(element.GetString()!, allowed) : string.Empty;
        Error(path, $"expected {what} {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}; found {Found(element)}{suggestion}");
        return null;
    }

    private int OptionalInt(Dictionary<string, JsonElement> fields, string key, string path, long min, long max, int fallback) =>
        fields.TryGetValue(key, out var element) ? ReadInt(element, $"{path}.{key}", min, max) ?? fallback : fallback;

    /// <summary>A whole number in [min, max]; 2e3 counts as whole, 2.5 does not.</summary>
    private int? ReadInt(JsonElement element, string path, long min, long max)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (element.TryGetInt64(out var whole) && whole >= min && whole <= max)
            {
                return (int)whole;
            }

            if (element.TryGetDouble(out var real) && Math.Floor(real) == real && real >= min && real <= max)
            {
                return (int)real;
            }
        }

        var upper = max == int.MaxValue ? $"{min} or more" : $"from {min} to {max}";
        Error(path, $"expected a whole number {upper}; found {Found(element)}");
        return null;
    }

    private JsonElement? Required(Dictionary<string, JsonElement> fields, string key, string path, string what)
    {
        if (fields.TryGetValue(key, out var element))
        {
            return element;
        }

        Error(path, $"missing required field '{key}' ({what})");
        return null;
    }

    /// <summary>
    /// The object's fields by name. Unknown fields (with the closest known name as a suggestion) and repeated
    /// fields are errors: a typo must never silently fall back to a default.
    /// </summary>
    private Dictionary<string, JsonElement> Fields(
        JsonElement element, string path, IReadOnlyList<string> known, Func<string, string?>? hint = null)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = Child(path, property.Name);
            if (!known.Contains(property.Name))
            {
                var help = hint?.Invoke(property.Name) ?? GridNames.Suggestion(property.Name, known);
                Error(propertyPath, $"unknown field '{property.Name}'{help}; allowed here: {string.Join(", ", known)}");
            }
            else if (!fields.TryAdd(property.Name, property.Value))
            {
                Error(propertyPath, $"field '{property.Name}' appears more than once; give it once");
            }
        }

        return fields;
    }

    /// <summary>Training fields written at the top level belong in <c>training</c>.</summary>
    private static string? RootFieldHint(string name)
    {
        if (GridNames.TrainingFields.Contains(name))
        {
            return $" (it belongs inside \"training\": $.training.{name})";
        }

        if (GridNames.Closest(name, GridNames.RootFields) is { } root)
        {
            return $" (did you mean '{root}'?)";
        }

        return GridNames.Closest(name, GridNames.TrainingFields) is { } training
            ? $" (did you mean '{training}' inside \"training\": $.training.{training}?)"
            : null;
    }

    private static string Child(string path, string name) =>
        SimpleName().IsMatch(name) ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Found(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
        JsonValueKind.Number => Shorten(element.GetRawText()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"an array of {element.GetArrayLength()}",
        _ => "an object",
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private void Error(string path, string message) => _errors.Add(new GridError(path, message));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SimpleName();
}
