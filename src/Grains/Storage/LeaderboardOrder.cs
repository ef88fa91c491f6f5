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
            var byValue = CompareValues(Value(a, metric), Value(b, metric), ascending);
            return byValue != 0 ? byValue : string.CompareOrdinal(a.TrialId, b.TrialId);
        };
    }

    /// <summary>The order of two metric values (NaN last), before the trial id breaks a tie.</summary>
    private static int CompareValues(double x, double y, bool ascending)
    {
        var byNaN = double.IsNaN(x).CompareTo(double.IsNaN(y));
        if (byNaN != 0)
        {
            return byNaN;
        }

        return double.IsNaN(x) ? 0 : ascending ? x.CompareTo(y) : y.CompareTo(x);
    }

    /// <summary>
    /// Filters, sorts and cuts rows per the query. With a top of k over n rows it keeps the best k in a heap
    /// (n log k), so a short leaderboard over a large store does not sort it all.
    /// </summary>
    public static IReadOnlyList<LeaderboardRow> Apply(IEnumerable<LeaderboardRow> rows, LeaderboardQuery query)
    {
        Validate(query);
        var selected = rows.Where(r => Matches(r, query)).ToList();
        if (query.Top is not { } top)
        {
            selected.Sort(Comparison(query.Metric));
            return selected;
        }

        return Best(selected.Count, top, query.Metric, (int i, out double value) =>
        {
            value = Value(selected[i], query.Metric);
            return true;
        }, i => selected[i]);
    }

    /// <summary>Candidate <paramref name="index"/>'s metric value, if it is a candidate at all.</summary>
    public delegate bool TryValue(int index, out double value);

    /// <summary>
    /// The best <paramref name="top"/> rows, best first, of <paramref name="count"/> candidates that give their metric
    /// value before their row: a candidate's row is asked for only when its value may place it among the best kept so
    /// far, so over n candidates about k·ln(n/k) rows are built, not n. The heap's root is the worst row kept.
    /// </summary>
    public static List<LeaderboardRow> Best(int count, int top, string metric, TryValue value, Func<int, LeaderboardRow> row)
    {
        var comparison = Comparison(metric);
        var ascending = Ascending(metric);
        var heap = new PriorityQueue<LeaderboardRow, LeaderboardRow>(top + 1, Comparer<LeaderboardRow>.Create((a, b) => comparison(b, a)));
        for (var i = 0; i < count; i++)
        {
            if (!value(i, out var candidate))
            {
                continue;
            }

            if (heap.Count < top)
            {
                var kept = row(i);
                heap.Enqueue(kept, kept);
                continue;
            }

            var byValue = CompareValues(candidate, Value(heap.Peek(), metric), ascending);
            if (byValue > 0)
            {
                continue;
            }

            var better = row(i);
            if (byValue < 0 || comparison(better, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(better, better);
            }
        }

        var best = new List<LeaderboardRow>(heap.Count);
        while (heap.TryDequeue(out var kept, out _))
        {
            best.Add(kept);
        }

        best.Reverse();
        return best;
    }
}
