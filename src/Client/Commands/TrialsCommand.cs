using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary><c>sweep trials sweep</c>: every trial of a sweep with its configuration, status, steps and metrics.</summary>
internal static class TrialsCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = new Argument<string>("sweep") { Description = "The sweep id" };
        var format = CommonOptions.Format("Output format", "table", "json", "csv");
        var command = new Command("trials", "Every trial of a sweep: config, status, steps, metrics") { sweep, format };
        command.SetAction((parse, ct) => RunAsync(console, CommonOptions.OpenStore(parse), parse.GetValue(sweep)!, parse.GetValue(format)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ISweepStore store, string sweepId, string format, CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(sweepId, cancellationToken)
            ?? throw new CliException($"no sweep named '{sweepId}' (list them with 'sweep status')");
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var results = (await store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: sweepId), cancellationToken))
            .ToDictionary(r => r.TrialId, StringComparer.Ordinal);
        var rows = sweep.Trials.Select(t =>
        {
            if (results.TryGetValue(t.TrialId, out var row))
            {
                return row;
            }
            var (status, steps) = statuses.TryGetValue(t.TrialId, out var s) ? s : (TrialStatus.Pending, 0);
            return new LeaderboardRow(t.TrialId, t.SweepId, t.Dataset.Name, t.Architecture, t.Filters, t.LearningRate, t.Seed,
                status, steps, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }).ToList();
        LeaderboardCommand.Write(console, rows, format);
        return 0;
    }
}
