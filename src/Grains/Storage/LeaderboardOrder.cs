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

    /// <summary>True if <paramref name="row"/> passes the query's filters (sweep, dataset, architecture, pruned).</summary>
    public static bool Matches(LeaderboardRow row, LeaderboardQuery query) =>
        (query.SweepId is null || row.SweepId == query.SweepId)
        && (query.Dataset is null || row.Dataset == query.Dataset)
        && (query.Architecture is null || row.Architecture == query.Architecture)
        && (query.Pruned is not { } pruned || (row.Status == Lifecycle.TrialStatus.Pruned) == pruned);

    /// <summary>The order itself: negative when the first row ranks above the second.</summary>
    public static Comparison<LeaderboardRow> Comparison(string metric)
    {
        var ascending = Ascending(metric);
        return (a, b) =>
        {
            var x = Value(a, metric);
            var y = Value(b, metric);
            var byNaN = double.IsNaN(x).CompareTo(double.IsNaN(y));
            if (byNaN != 0)
            {
                return byNaN;
            }

            var byMetric = double.IsNaN(x) ? 0 : ascending ? x.CompareTo(y) : y.CompareTo(x);
            return byMetric != 0 ? byMetric : string.CompareOrdinal(a.TrialId, b.TrialId);
        };
    }

    /// <summary>
    /// Filters, sorts and cuts rows per the query. With a top of k over n rows it keeps the best k in a heap
    /// (n log k), so a short leaderboard over a large store does not sort it all.
    /// </summary>
    public static IReadOnlyList<LeaderboardRow> Apply(IEnumerable<LeaderboardRow> rows, LeaderboardQuery query)
    {
        Validate(query);
        var comparison = Comparison(query.Metric);
        var selected = rows.Where(r => Matches(r, query));
        if (query.Top is not { } top)
        {
            var all = selected.ToList();
            all.Sort(comparison);
            return all;
        }

        // The heap's root is the worst row kept, so a better row replaces it.
        var worstFirst = Comparer<LeaderboardRow>.Create((a, b) => comparison(b, a));
        var heap = new PriorityQueue<LeaderboardRow, LeaderboardRow>(top + 1, worstFirst);
        foreach (var row in selected)
        {
            if (heap.Count < top)
            {
                heap.Enqueue(row, row);
            }
            else if (comparison(row, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(row, row);
            }
        }

        var best = new List<LeaderboardRow>(heap.Count);
        while (heap.TryDequeue(out var row, out _))
        {
            best.Add(row);
        }

        best.Reverse();
        return best;
    }
}
