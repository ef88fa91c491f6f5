using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sweep.Dashboard;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grains;
using Sweep.Grains.Hosting;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep dashboard [--port 8080] [--bind 127.0.0.1]</c>: serves the web dashboard over the store the other
/// commands read (embedded directory or the cluster's PostgreSQL) until Ctrl-C. Prints the address and the
/// token its cancel action needs; never the connection string.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { HelpName = "port", Description = "TCP port to listen on", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind")
        {
            HelpName = "ip",
            Description = "Address to listen on: 127.0.0.1 (default, this machine only) or e.g. 0.0.0.0 (every interface: anyone who reaches it can read every result)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var command = new Command("dashboard", "Serve a live web dashboard of the store's sweeps, leaderboards, curves and studies") { port, bind };
        command.SetAction(async (parse, ct) =>
        {
            var options = CommonOptions.HostOptions(parse);
            if (!options.IsCluster && !Directory.Exists(options.StoreDirectory))
            {
                throw new CliException($"no Sweep store at {options.StoreDirectory}; submit a sweep first, or point --store / ${SweepHosting.HomeVariable} at an existing one");
            }
            await using var server = await StartAsync(console, options, parse.GetValue(port), parse.GetValue(bind)!, ct);
            await server.RunUntilStoppedAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Starts the dashboard over the store of <paramref name="options"/> and prints its address and cancel token
    /// (also for <c>sweep silo --dashboard</c>).
    /// </summary>
    public static async Task<DashboardServer> StartAsync(CliConsole console, SweepHostOptions options, int port, string bind, CancellationToken cancellationToken)
    {
        var store = SweepHosting.OpenStore(options);
        DashboardServer server;
        try
        {
            server = await DashboardServer.StartAsync(store, new DashboardOptions
            {
                Port = port,
                Bind = bind,
                Verbose = options.Verbose,
                CancelSweep = (sweepId, token) => CancelAsync(options, store, sweepId, token),
            }, cancellationToken);
        }
        catch (DashboardException ex)
        {
            throw new CliException(ex.Message);
        }
        var where = options.IsCluster ? "the cluster's PostgreSQL database" : options.StoreDirectory;
        await console.Out.WriteLineAsync($"sweep dashboard: {server.Address} (store: {where}; Ctrl-C stops)");
        await console.Out.WriteLineAsync($"cancel token: {server.CancelToken} (the page's 'Cancel sweep' asks for it; header {DashboardServer.TokenHeader})");
        await console.Out.FlushAsync(cancellationToken);
        return server;
    }

    /// <summary>What <c>sweep cancel</c> does: through the coordinator on a cluster, through the store embedded.</summary>
    private static async Task<string> CancelAsync(SweepHostOptions options, Sweep.Grains.Storage.ISweepStore store, string sweepId, CancellationToken cancellationToken)
    {
        if (options.IsCluster)
        {
            using var client = await SweepHosting.StartClientAsync(options.PostgresConnectionString!, options.Verbose, false, cancellationToken);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(sweepId).CancelAsync();
            await client.StopAsync(CancellationToken.None);
            return $"sweep {sweepId}: cancelled";
        }
        var cancelled = await StoreCancellation.CancelAsync(store, sweepId, cancellationToken);
        return $"sweep {sweepId}: {cancelled} unfinished trial(s) cancelled";
    }
}
