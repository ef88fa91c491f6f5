using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep trials sweep [--top n] [--skip n]</c>: the trials of a sweep in the grid's order (all, or a page: leave out
/// the first <c>--skip</c>, show at most <c>--top</c>) with their configuration, status, steps and metrics, and why
/// each failed trial failed (table: a line per failed trial under the table; json/csv: an <c>error</c> field). The
/// store reads the page only, and verifies the results it lists, so a page costs its rows, not the sweep. A
/// successive-halving sweep adds a <c>rung</c> column (the highest rung at or below the trial's steps); json always
/// carries <c>rung</c>, null in a grid sweep.
/// </summary>
internal static class TrialsCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "The sweep id");
        var top = CommonOptions.WholeNumber("--top", "n", "Only the first n trials (after --skip)", min: 1);
        var skip = CommonOptions.WholeNumber("--skip", "n", "Leave out the first n trials (with --top: one page)", min: 0, defaultValue: 0);
        var format = CommonOptions.Format("Output format", "table", "json", "csv");
        var command = new Command("trials", "Trials of a sweep: config, status, steps, metrics") { sweep, top, skip, format };
        command.SetAction((parse, ct) => RunAsync(console, CommonOptions.OpenStore(parse), parse.GetValue(sweep)!, parse.GetValue(skip), parse.GetValue(top), parse.GetValue(format)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ISweepStore store, string sweepId, int skip, int? top, string format, CancellationToken cancellationToken)
    {
        var page = await store.GetTrialPageAsync(sweepId, skip, top, cancellationToken);
        if (page is null)
        {
            // No such sweep (or its definition is damaged): the one-line error that says which.
            await CommonOptions.RequireSweepAsync(store, sweepId, cancellationToken);
            page = await store.GetTrialPageAsync(sweepId, skip, top, cancellationToken)
                ?? throw new CliException($"sweep '{sweepId}' vanished while being read");
        }
        var damage = page.Damage;
        var rungs = SweepSearch.Rungs(SweepSearch.Of(page.SweepId, page.GridJson));
        var rows = page.Trials.Select(TrialRow.Of).Select(r => r.OnRungs(rungs)).ToList();
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
