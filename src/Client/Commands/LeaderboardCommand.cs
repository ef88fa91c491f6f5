using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep leaderboard</c>: finished trials, filtered and sorted by a metric, best first. Trials a search pruned at a
/// rung are not ranked with the others (their metrics are from fewer steps): they follow in a section of their own,
/// "pruned at a rung", ranked by the same metric, with the step they stopped at; <c>--top</c> cuts the main ranking only.
/// </summary>
internal static class LeaderboardCommand
{
    private static readonly string[] Columns =
    [
        "trialId", "sweepId", "dataset", "architecture", "filters", "learningRate", "seed", "status", "steps",
        "trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds",
    ];

    public static Command Create(CliConsole console)
    {
        var sweep = new Option<string?>("--sweep") { HelpName = "name", Description = "Only this sweep" };
        var dataset = new Option<string?>("--dataset") { HelpName = "name", Description = "Only this dataset (its name in the grid)" };
        var architecture = new Option<string?>("--architecture") { HelpName = "name", Description = "Only this architecture (its name in the grid)" };
        var top = CommonOptions.WholeNumber("--top", "n", "Only the best n rows", min: 1);
        var metric = new Option<string>("--metric")
        {
            Description = $"Sort by: {string.Join('|', LeaderboardQuery.Metrics)}",
            DefaultValueFactory = _ => "testAccuracy",
        };
        metric.AcceptOnlyFromAmong([.. LeaderboardQuery.Metrics]);
        metric.HelpName = "metric";
        var format = CommonOptions.Format("Output format", "table", "json", "csv");
        var command = new Command("leaderboard", "Finished trials ranked by a metric") { sweep, dataset, architecture, top, metric, format };
        command.SetAction(async (parse, ct) =>
        {
            var query = new LeaderboardQuery(parse.GetValue(sweep), parse.GetValue(dataset), parse.GetValue(architecture), parse.GetValue(metric)!, parse.GetValue(top));
            var store = CommonOptions.OpenStore(parse);
            // The store cuts the ranking at --top (pruned rows never take its places) and the rows shown are
            // verified end to end, so the cost is the rows shown, not the store.
            var (board, found) = await RankedLeaderboard.ReadVerifiedAsync(store, query, ct);
            if (board.Rows.Count == 0 && found.Count == 0)
            {
                await CheckFiltersAsync(store, query, ct);
            }
            var damage = await DamageInScopeAsync(store, query, found, ct);
            await DamageLines.WriteAsync(console, damage);
            var damaged = damage.Where(d => d.Kind == StoreDamageKind.Result).Select(d => d.TrialId!).ToList();
            var rows = board.Rows;
            Write(console, board, parse.GetValue(format)!, damaged);
            if (rows.Count == 0 && damage.Count == 0 && parse.GetValue(format) == "table")
            {
                await console.Error.WriteLineAsync("no finished trials yet; 'sweep status' shows what is running");
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// An empty board because a filter names nothing in the store (a typo, the wrong case) is an error naming
    /// what exists, not an empty table that reads as "nothing has finished".
    /// </summary>
    private static async Task CheckFiltersAsync(ISweepStore store, LeaderboardQuery query, CancellationToken cancellationToken)
    {
        if (query is { SweepId: null, Dataset: null, Architecture: null })
        {
            return;
        }
        var sweeps = await store.ListSweepsAsync(cancellationToken);
        if (query.SweepId is { } id && sweeps.All(s => s.SweepId != id))
        {
            throw new CliException($"--sweep: no sweep named '{id}'; known sweeps: {Known(sweeps.Select(s => s.SweepId))}");
        }
        var trials = sweeps.Where(s => query.SweepId is null || s.SweepId == query.SweepId).SelectMany(s => s.Trials).ToList();
        if (query.Dataset is { } d && trials.All(t => t.Dataset.Name != d))
        {
            throw new CliException($"--dataset: no dataset named '{d}'{In(query)}; known datasets: {Known(trials.Select(t => t.Dataset.Name))}");
        }
        if (query.Architecture is { } a && trials.All(t => t.Architecture != a))
        {
            throw new CliException($"--architecture: no architecture named '{a}'{In(query)}; known architectures: {Known(trials.Select(t => t.Architecture))}");
        }
    }

    /// <summary>
    /// Damaged entries the query would have listed: those found verifying the rows shown, and those the store knows
    /// of in its sweep (or every sweep): definitions, and results of trials matching the filters.
    /// </summary>
    private static async Task<List<StoreDamage>> DamageInScopeAsync(ISweepStore store, LeaderboardQuery query, IReadOnlyList<StoreDamage> found, CancellationToken cancellationToken)
    {
        var known = (await store.GetSweepCountsAsync(query.SweepId, cancellationToken)).Damage
            .Where(d => found.All(f => f.TrialId != d.TrialId || f.Kind != d.Kind)).ToList();
        if (known.Count == 0)
        {
            return [.. found];
        }
        var specs = known.Any(d => d.Kind == StoreDamageKind.Result) && query is not { Dataset: null, Architecture: null }
            ? (await store.ListSweepsAsync(cancellationToken)).SelectMany(s => s.Trials).ToDictionary(t => t.TrialId, StringComparer.Ordinal)
            : null;
        return [.. found, .. known.Where(d => d.Kind switch
        {
            StoreDamageKind.Sweep => true,
            StoreDamageKind.Result => specs is null || (specs.TryGetValue(d.TrialId!, out var t)
                && (query.Dataset is null || t.Dataset.Name == query.Dataset)
                && (query.Architecture is null || t.Architecture == query.Architecture)),
            StoreDamageKind.Study or StoreDamageKind.Status or StoreDamageKind.Rung => false,
            _ => throw new InvalidOperationException($"Unknown damage kind {d.Kind}."),
        })];
    }

    private static string In(LeaderboardQuery query) => query.SweepId is null ? " in any sweep" : $" in sweep '{query.SweepId}'";

    private static string Known(IEnumerable<string> names) =>
        names.Distinct().Order(StringComparer.Ordinal).ToList() is { Count: > 0 } known ? string.Join(", ", known) : "none (submit one with 'sweep submit grid.json')";

    /// <summary>
    /// Rows as a table, CSV, or a JSON array of the contract's camelCase rows. The pruned rows come after the ranked
    /// ones: in JSON and CSV as further rows whose status is <c>pruned</c>, in the table as a second table headed
    /// "pruned at a rung". Table and CSV end with a <c>damaged</c> row, without metrics, for each trial in
    /// <paramref name="damagedTrials"/> (JSON keeps to rows).
    /// </summary>
    public static void Write(CliConsole console, RankedLeaderboard board, string format, IReadOnlyList<string> damagedTrials)
    {
        var (rows, pruned) = (board.Ranked, board.Pruned);
        if (format == "json")
        {
            Json.Write(console.Out, board.Rows);
            return;
        }
        var table = new Table(format == "csv" ? Columns : ["trial", "status", "steps", "train", "dev", "test", "testF1", "testAreaRatio", "seconds"]);
        foreach (var r in format == "csv" ? rows.Concat(pruned) : rows)
        {
            var status = r.Status.ToString().ToLowerInvariant();
            if (format == "csv")
            {
                table.Add(r.TrialId, r.SweepId, r.Dataset, r.Architecture, r.Filters, r.LearningRate, r.Seed, status, r.Steps,
                    r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds);
            }
            else
            {
                table.Add(r.TrialId, status, r.Steps, r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds);
            }
        }
        foreach (var trialId in damagedTrials)
        {
            if (format == "csv")
            {
                table.Add(trialId, "", "", "", "", "", "", DamageLines.Status, "", "", "", "", "", "", "");
            }
            else
            {
                table.Add(trialId, DamageLines.Status, "", "", "", "", "", "", "");
            }
        }
        if (format == "csv")
        {
            table.WriteCsv(console.Out);
            return;
        }
        table.WriteText(console.Out);
        if (pruned.Count > 0)
        {
            console.Out.WriteLine();
            console.Out.WriteLine($"pruned at a rung ({pruned.Count}; metrics at the step each stopped at, not ranked with the trials above):");
            var prunedTable = new Table("trial", "stopped at step", "train", "dev", "test", "testF1", "testAreaRatio", "seconds");
            foreach (var r in pruned)
            {
                prunedTable.Add(r.TrialId, r.Steps, r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds);
            }
            prunedTable.WriteText(console.Out);
        }
    }
}
