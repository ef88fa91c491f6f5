using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sweep.Grains.Contracts;
using Sweep.Grains.Hosting;
using Sweep.Grains.Coordinator;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep cancel sweep</c>: on a cluster, tells the coordinator (pending trials end Cancelled, running ones
/// stop); embedded, marks every unfinished trial Cancelled in the store, which a running embedded process honours.
/// </summary>
internal static class CancelCommand
{
    public static Command Create(CliConsole console)
    {
        var sweep = CommonOptions.Id("sweep", "The sweep id");
        var command = new Command("cancel", "Stop a sweep: pending trials are cancelled, running ones stop") { sweep };
        command.SetAction(async (parse, ct) =>
        {
            var sweepId = parse.GetValue(sweep)!;
            var options = CommonOptions.HostOptions(parse);
            var store = CommonOptions.OpenStore(parse, writes: true);
            await CommonOptions.RequireSweepAsync(store, sweepId, ct);
            if (options.IsCluster)
            {
                using var client = await SweepHosting.StartClientAsync(options, ct);
                await client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(sweepId).CancelAsync();
                await client.StopAsync(CancellationToken.None);
                await console.Out.WriteLineAsync($"sweep {sweepId}: cancelled");
                return 0;
            }
            var cancelled = await StoreCancellation.CancelAsync(store, sweepId, ct);
            await console.Out.WriteLineAsync($"sweep {sweepId}: {cancelled} unfinished trial(s) cancelled");
            return 0;
        });
        return command;
    }
}
