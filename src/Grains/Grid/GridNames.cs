using System.Text.RegularExpressions;
using Sweep.Model.Data;

namespace Sweep.Grains.Grid;

/// <summary>The vocabulary of a grid file: names it knows and the rule for names the user chooses.</summary>
internal static partial class GridNames
{
    public static readonly IReadOnlyList<string> RootFields =
        ["name", "datasets", "architectures", "filters", "learningRates", "seeds", "training", "studies", "search"];

    public static readonly IReadOnlyList<string> DatasetFields =
        ["name", "synthetic", "trainSize", "testSize", "imageSize", "seed", "format", "path", "training"];

    public static readonly IReadOnlyList<string> ArchitectureFields = ["name", "spec"];

    public static readonly IReadOnlyList<string> TrainingFields =
        ["batchSize", "steps", "evalEvery", "devSize", "earlyStopping", "checkpointEvery", "activation", "optimizer", "threads"];

    public static readonly IReadOnlyList<string> EarlyStoppingFields = ["patience", "minDelta"];

    public static readonly IReadOnlyList<string> SearchKinds = ["random", "asha"];

    public static readonly IReadOnlyList<string> RandomSearchFields = ["trials", "seed"];

    public static readonly IReadOnlyList<string> AshaFields = ["metric", "minSteps", "maxSteps", "reductionFactor", "synchronous", "random"];

    public static readonly IReadOnlyList<string> AshaMetrics = [Sweep.Grains.Search.AshaSettings.DevAccuracy];

    public static readonly IReadOnlyList<string> StudyFields = ["denseVsConv", "filters", "extraConvLayer"];

    public static readonly IReadOnlyList<string> CatalogDatasets = [.. DatasetLoader.Catalog.Keys];

    public static readonly IReadOnlyList<string> Formats = ["mnist", "cifar10", "svhn"];

    public static readonly IReadOnlyList<string> Presets = ["dnn", "cnn", "cnn2"];

    public static readonly IReadOnlyList<string> Activations = ["relu", "elu"];

    public static readonly IReadOnlyList<string> Optimizers = ["adam", "sgd"];

    /// <summary><c>checkpointEvery</c>'s default, a keyword: sized to the network.</summary>
    public const string AutoCheckpoints = Sweep.Grains.Contracts.TrainingSettings.AutoCheckpointEveryKeyword;

    /// <summary>Names become parts of trial ids and file names, so only these characters are allowed.</summary>
    public static bool IsValidName(string name) => name.Length <= GridLimits.MaxNameLength && NamePattern().IsMatch(name);

    /// <summary>The known name closest to <paramref name="unknown"/>, when it is close enough to be a typo.</summary>
    public static string? Closest(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = EditDistance(unknown.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // A third of the length (at least 2) catches dropped letters, case and _ slips without suggesting
        // an unrelated name for a short word.
        var tolerance = Math.Max(2, unknown.Length / 3);
        return bestDistance <= tolerance ? best : null;
    }

    /// <summary>" (did you mean 'x'?)", or "" when nothing is close.</summary>
    public static string Suggestion(string unknown, IEnumerable<string> known) =>
        Closest(unknown, known) is { } close ? $" (did you mean '{close}'?)" : string.Empty;

    /// <summary>Levenshtein distance, with '_' and '-' ignored so that batch_size matches batchSize.</summary>
    private static int EditDistance(string a, string b)
    {
        a = a.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        b = b.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}
