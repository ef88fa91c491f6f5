using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sweep.Grains.Contracts;
using Orleans.Configuration;
using OrleansDashboard = Orleans.Dashboard.ServiceCollectionExtensions;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.Postgres;
using Sweep.Client.Dashboard;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.LocalDirectory;

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
    public static async Task<DashboardServer> StartAsync(
        CliConsole console, SweepHostOptions options, int port, string bind, CancellationToken cancellationToken, Action<IClientBuilder>? orleansClient = null)
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
                OrleansClient = orleansClient,
            }, cancellationToken);
        }
        catch (DashboardException ex)
        {
            throw new CliException(ex.Message);
        }
        var where = options.IsCluster ? "the cluster's PostgreSQL database" : options.StoreDirectory;
        await console.Out.WriteLineAsync($"sweep dashboard: {server.Address} (store: {where}; Ctrl-C stops)");
        await console.Out.WriteLineAsync($"cancel token: {server.CancelToken} (the page's 'Cancel sweep' asks for it; header {DashboardServer.TokenHeader})");
        if (orleansClient is not null)
        {
            await console.Out.WriteLineAsync($"orleans dashboard: {new Uri(server.Address, DashboardServer.OrleansDashboardPath.TrimStart('/') + "/")}");
        }
        await console.Out.FlushAsync(cancellationToken);
        return server;
    }

    /// <summary>
    /// <c>sweep silo --dashboard</c>: starts the silo (with the Orleans Dashboard's silo side), then the dashboard
    /// as a client of it that also serves the Orleans Dashboard; stops both when <paramref name="stop"/> fires.
    /// </summary>
    public static async Task RunSiloWithDashboardAsync(CliConsole console, SweepHostOptions options, int port, string bind, CancellationToken stop)
    {
        // Embedded, the dashboard's client must know the gateway port the silo would otherwise pick by itself.
        var gateway = options.GatewayPort > 0 || options.IsCluster ? options.GatewayPort : FreePort();
        options = options with { GatewayPort = gateway, ConfigureSiloBuilder = silo => OrleansDashboard.AddDashboard(silo) };
        if (!options.IsCluster)
        {
            Directory.CreateDirectory(options.StoreDirectory);
        }
        using var silo = await SweepHosting.StartSiloAsync(options, stop);
        try
        {
            await using var server = await StartAsync(console, options, port, bind, stop, client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                if (options.IsCluster)
                {
                    client.UseSweepPostgres(options.PostgresConnectionString!);
                }
                else
                {
                    client.UseLocalhostClustering(gateway, options.ServiceId, options.ClusterId);
                }
            });
            await server.RunUntilStoppedAsync(stop);
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What <c>sweep cancel</c> does: through the coordinator on a cluster, through the store embedded.</summary>
    private static async Task<string> CancelAsync(SweepHostOptions options, Sweep.Grains.Storage.ISweepStore store, string sweepId, CancellationToken cancellationToken)
    {
        if (options.IsCluster)
        {
            using var client = await SweepHosting.StartClientAsync(options with { TelemetryConsole = false }, cancellationToken);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(sweepId).CancelAsync();
            await client.StopAsync(CancellationToken.None);
            return $"sweep {sweepId}: cancelled";
        }
        var cancelled = await StoreCancellation.CancelAsync(store, sweepId, cancellationToken);
        return $"sweep {sweepId}: {cancelled} unfinished trial(s) cancelled";
    }
}
