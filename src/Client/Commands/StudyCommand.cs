using System.CommandLine;
using Sweep.Grains.Storage;
namespace Sweep.Client.Commands;

/// <summary><c>sweep study sweep</c>: the paper's comparisons for a sweep (report built by the studies module).</summary>
internal static class StudyCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "The sweep id");
        var format = CommonOptions.Format("Output format", "md", "json", "csv");
        var outDir = new Option<string?>("--out") { HelpName = "dir", Description = "Also write the report files (and plots) into this directory" };
        var command = new Command("study", "The sweep's study report: DNN vs CNN, filter count, extra conv layer") { sweep, format, outDir };
        command.SetAction(async (parse, ct) =>
        {
            var store = CommonOptions.OpenStore(parse);
            var sweepId = parse.GetValue(sweep)!;
            var damage = await store.GetDamageAsync(sweepId, ct);
            if (damage.Any(d => d.Kind == StoreDamageKind.Sweep))
            {
                await CommonOptions.RequireSweepAsync(store, sweepId, ct);
            }
            // Damaged results are missing from the report (it says PARTIAL SWEEP and lists them); say why.
            await DamageLines.WriteAsync(console, damage.Where(d => d.Kind == StoreDamageKind.Result));
            return await StudyCommands.RunStudyAsync(store, sweepId, parse.GetValue(format)!, parse.GetValue(outDir), console.Out, console.Error, ct);
        });
        return command;
    }
}
