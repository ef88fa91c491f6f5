using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep status [sweep] [--verify]</c>: every sweep in the store, or one, with trial counts per status (paused and
/// pruned included), from the store's aggregate counts. <c>--verify</c> reads every trial's files instead, as a
/// resubmit does, so it also finds files damaged on disk since they were written (its cost grows with the store).
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "A sweep id (default: every sweep)", optional: true);
        var format = CommonOptions.Format("Output format", "table", "json");
        var verify = new Option<bool>("--verify") { Description = "Read every trial's files (slower: grows with the store); finds files damaged on disk since they were written" };
        var command = new Command("status", "Progress of sweeps: trials per status") { sweep, format, verify };
        command.SetAction((parse, ct) => RunAsync(console, CommonOptions.OpenStore(parse), parse.GetValue(sweep), parse.GetValue(format)!, parse.GetValue(verify), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ISweepStore store, string? sweepId, string format, bool verify, CancellationToken cancellationToken)
    {
        var (rows, damage) = verify ? await ReadVerifiedAsync(store, sweepId, cancellationToken) : await ReadCountsAsync(store, sweepId, cancellationToken);
        await DamageLines.WriteAsync(console, damage);
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

    /// <summary>The rows from the store's aggregate counts; a sweep named but not counted is an error naming why.</summary>
    private static async Task<(List<SweepStatusRow> Rows, IReadOnlyList<StoreDamage> Damage)> ReadCountsAsync(ISweepStore store, string? sweepId, CancellationToken cancellationToken)
    {
        var overview = await store.GetSweepCountsAsync(sweepId, cancellationToken);
        if (sweepId is not null && overview.Sweeps.Count == 0)
        {
            // No such sweep, or its definition is damaged: the one-line error that says which.
            await CommonOptions.RequireSweepAsync(store, sweepId, cancellationToken);
            overview = await store.GetSweepCountsAsync(sweepId, cancellationToken);
        }
        return ([.. overview.Sweeps.Select(SweepStatusRow.From)], overview.Damage);
    }

    /// <summary>The rows from every trial's files, and every damage the store finds.</summary>
    private static async Task<(List<SweepStatusRow> Rows, IReadOnlyList<StoreDamage> Damage)> ReadVerifiedAsync(ISweepStore store, string? sweepId, CancellationToken cancellationToken)
    {
        IReadOnlyList<SweepDefinition> sweeps = sweepId is null
            ? await store.ListSweepsAsync(cancellationToken)
            : [await CommonOptions.RequireSweepAsync(store, sweepId, cancellationToken)];
        var rows = new List<SweepStatusRow>();
        foreach (var sweep in sweeps)
        {
            rows.Add(await SweepStatusRow.ReadAsync(store, sweep, cancellationToken));
        }
        return (rows, await store.GetDamageAsync(sweepId, cancellationToken));
    }
}
