using System.CommandLine;
using Sweep.Grains.Studies;

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
        command.SetAction((parse, ct) => StudyCommands.RunStudyAsync(
            CommonOptions.OpenStore(parse), parse.GetValue(sweep)!, parse.GetValue(format)!, parse.GetValue(outDir), console.Out, console.Error, ct));
        return command;
    }
}
