using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary><c>sweep status [sweep]</c>: every sweep in the store, or one, with trial counts per status (paused and pruned included).</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "A sweep id (default: every sweep)", optional: true);
        var format = CommonOptions.Format("Output format", "table", "json");
        var command = new Command("status", "Progress of sweeps: trials per status") { sweep, format };
        command.SetAction((parse, ct) => RunAsync(console, CommonOptions.OpenStore(parse), parse.GetValue(sweep), parse.GetValue(format)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ISweepStore store, string? sweepId, string format, CancellationToken cancellationToken)
    {
        IReadOnlyList<SweepDefinition> sweeps;
        if (sweepId is null)
        {
            sweeps = await store.ListSweepsAsync(cancellationToken);
        }
        else
        {
            sweeps = [await CommonOptions.RequireSweepAsync(store, sweepId, cancellationToken)];
        }
        var rows = new List<SweepStatusRow>();
        foreach (var sweep in sweeps)
        {
            rows.Add(await SweepStatusRow.ReadAsync(store, sweep, cancellationToken));
        }
        await DamageLines.WriteAsync(console, await store.GetDamageAsync(sweepId, cancellationToken));
        if (format == "json")
        {
            if (sweepId is null)
            {
                Json.Write(console.Out, rows);
            }
            else
            {
                Json.Write(console.Out, rows[0]);
            }
            return 0;
        }
        var table = new Table("sweep", "state", "trials", "pending", "running", "paused", "completed", "pruned", "diverged", "failed", "cancelled", "damaged", "created");
        foreach (var r in rows)
        {
            table.Add(r.SweepId, r.State, r.Total, r.Pending, r.Running, r.Paused, r.Completed, r.Pruned, r.Diverged, r.Failed, r.Cancelled, r.Damaged, r.CreatedAt.ToString("u"));
        }
        table.WriteText(console.Out);
        if (rows.Count == 0)
        {
            await console.Error.WriteLineAsync("no sweeps yet; start one with 'sweep submit grid.json'");
        }
        return 0;
    }
}
