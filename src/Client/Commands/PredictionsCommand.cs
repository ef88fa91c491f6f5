using System.CommandLine;
using Sweep.Grains.Storage;
namespace Sweep.Client.Commands;

/// <summary><c>sweep predictions trial</c>: a finished trial's per-image probabilities on the test or dev split.</summary>
internal static class PredictionsCommand
{
    public static Command Create(CliConsole console)
    {
        var trial = CommonOptions.Id("trial", "The trial id");
        var split = new Option<string>("--split") { Description = "Which split: test|dev", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "dev");
        var format = CommonOptions.Format("Output format", "csv", "json");
        var command = new Command("predictions", "Per-image predictions of a finished trial") { trial, split, format };
        command.SetAction((parse, ct) => StudyCommands.RunPredictionsAsync(
            CommonOptions.OpenStore(parse), parse.GetValue(trial)!, parse.GetValue(split) == "dev" ? PredictionSplit.Dev : PredictionSplit.Test,
            parse.GetValue(format)!, console.Out, console.Error, ct));
        return command;
    }
}
