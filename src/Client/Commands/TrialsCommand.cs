using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep trials sweep</c>: every trial of a sweep with its configuration, status, steps and metrics, and why each
/// failed trial failed (table: a line per failed trial under the table; json/csv: an <c>error</c> field). A
/// successive-halving sweep adds a <c>rung</c> column (the highest rung at or below the trial's steps); json always
/// carries <c>rung</c>, null in a grid sweep.
/// </summary>
internal static class TrialsCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "The sweep id");
        var format = CommonOptions.Format("Output format", "table", "json", "csv");
        var command = new Command("trials", "Every trial of a sweep: config, status, steps, metrics") { sweep, format };
        command.SetAction((parse, ct) => RunAsync(console, CommonOptions.OpenStore(parse), parse.GetValue(sweep)!, parse.GetValue(format)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ISweepStore store, string sweepId, string format, CancellationToken cancellationToken)
    {
        var sweep = await CommonOptions.RequireSweepAsync(store, sweepId, cancellationToken);
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var results = (await store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: sweepId), cancellationToken))
            .ToDictionary(r => r.TrialId, StringComparer.Ordinal);
        var errors = await store.GetTrialErrorsAsync(sweepId, cancellationToken);
        var damage = await store.GetDamageAsync(sweepId, cancellationToken);
        var damagedResults = damage.Where(d => d.Kind == StoreDamageKind.Result).ToDictionary(d => d.TrialId!, StringComparer.Ordinal);
        var rungs = SweepSearch.Rungs(SweepSearch.Of(sweep));
        var rows = sweep.Trials.Select(t =>
        {
            var (status, steps) = statuses.TryGetValue(t.TrialId, out var s) ? s : (TrialStatus.Pending, 0);
            if (damagedResults.TryGetValue(t.TrialId, out var d))
            {
                return TrialRow.Damaged(t, steps, d.Location, d.Reason);
            }
            return results.TryGetValue(t.TrialId, out var row)
                ? TrialRow.From(row, errors.GetValueOrDefault(t.TrialId))
                : TrialRow.Unfinished(t, status, steps);
        }).Select(r => r.OnRungs(rungs)).ToList();
        await DamageLines.WriteAsync(console, damage);
        if (format == "json")
        {
            Json.Write(console.Out, rows);
            return 0;
        }
        var csv = format == "csv";
        var withRung = rungs.Count > 0;
        string[] csvColumns =
        [
            "trialId", "sweepId", "dataset", "architecture", "filters", "learningRate", "seed", "status", "steps",
            "trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds", "error",
        ];
        string[] textColumns = ["trial", "status", "steps", "train", "dev", "test", "testF1", "testAreaRatio", "seconds"];
        var columns = csv ? csvColumns : textColumns;
        var table = new Table(withRung ? [.. columns, "rung"] : columns);
        foreach (var r in rows)
        {
            var status = r.Status;
            object?[] cells = csv
                ? [r.TrialId, r.SweepId, r.Dataset, r.Architecture, r.Filters, r.LearningRate, r.Seed, status, r.Steps,
                    r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds, r.Error]
                : [r.TrialId, status, r.Steps, r.TrainAccuracy, r.DevAccuracy, r.TestAccuracy, r.TestWeightedF1, r.TestWeightedAreaRatio, r.WallSeconds];
            table.Add(withRung ? [.. cells, r.Rung] : cells);
        }
        if (csv)
        {
            table.WriteCsv(console.Out);
        }
        else
        {
            table.WriteText(console.Out);
            foreach (var r in rows.Where(r => r.Error is not null))
            {
                console.Out.WriteLine($"{r.TrialId} {(r.Status == DamageLines.Status ? "damaged" : "failed")}: {SweepCli.OneLine(r.Error!)}");
            }
        }
        return 0;
    }
}
