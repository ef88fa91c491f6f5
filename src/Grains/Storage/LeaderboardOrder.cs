using Sweep.Grains.Contracts;

namespace Sweep.Grains.Storage;

/// <summary>
/// The one leaderboard order both backends implement: by the query's metric, best first (accuracies, F1 and area
/// ratio descending, wall seconds ascending), NaN always last, ties broken by trial id in ordinal order.
/// </summary>
internal static class LeaderboardOrder
{
    /// <summary>Throws if the query names an unknown metric or a non-positive top.</summary>
    public static void Validate(LeaderboardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!LeaderboardQuery.Metrics.Contains(query.Metric))
        {
            throw new ArgumentException(
                $"Unknown leaderboard metric '{query.Metric}'; valid metrics: {string.Join(", ", LeaderboardQuery.Metrics)}.",
                nameof(query));
        }

        if (query.Top is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Top, "Leaderboard top must be a positive number of rows.");
        }
    }

    /// <summary>True for the metric where smaller is better.</summary>
    public static bool Ascending(string metric) => metric == "wallSeconds";

    public static double Value(LeaderboardRow row, string metric) => metric switch
    {
        "testAccuracy" => row.TestAccuracy,
        "devAccuracy" => row.DevAccuracy,
        "trainAccuracy" => row.TrainAccuracy,
        "testWeightedF1" => row.TestWeightedF1,
        "testWeightedAreaRatio" => row.TestWeightedAreaRatio,
        "wallSeconds" => row.WallSeconds,
        _ => throw new ArgumentException($"Unknown leaderboard metric '{metric}'.", nameof(metric)),
    };

    /// <summary>Filters, sorts and cuts rows per the query.</summary>
    public static IReadOnlyList<LeaderboardRow> Apply(IEnumerable<LeaderboardRow> rows, LeaderboardQuery query)
    {
        Validate(query);
        var ascending = Ascending(query.Metric);
        var selected = rows
            .Where(r => (query.SweepId is null || r.SweepId == query.SweepId)
                && (query.Dataset is null || r.Dataset == query.Dataset)
                && (query.Architecture is null || r.Architecture == query.Architecture))
            .ToList();
        selected.Sort((a, b) =>
        {
            var x = Value(a, query.Metric);
            var y = Value(b, query.Metric);
            var byNaN = double.IsNaN(x).CompareTo(double.IsNaN(y));
            if (byNaN != 0)
            {
                return byNaN;
            }

            var byMetric = double.IsNaN(x) ? 0 : ascending ? x.CompareTo(y) : y.CompareTo(x);
            return byMetric != 0 ? byMetric : string.CompareOrdinal(a.TrialId, b.TrialId);
        });
        return query.Top is { } top && selected.Count > top ? selected.GetRange(0, top) : selected;
    }
}
