using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// A real silo (generic host, TCP endpoints) and a real client on a fresh PostgreSQL database, through
/// <see cref="PostgresOrleansExtensions.UseSweepPostgres(ISiloBuilder, string)"/>: the silo migrates the database,
/// joins through the membership table, keeps grain state and reminders there across a restart.
/// </summary>
public sealed class PostgresOrleansTests(PostgresServer server)
{
    private const string ClusterId = "sweep-test-cluster";
    private const string ServiceId = "sweep-test-service";
    private const int Active = 3;
    private const int Dead = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silo_OnPostgres_KeepsGrainStateAndRemindersAcrossARestart()
    {
        // Not migrated: the silo does it as the first step of its start.
        var connectionString = await server.CreateDatabaseAsync(Ct);

        using (var first = await StartSiloAsync(connectionString))
        {
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IPostgresProbeGrain>("probe-1");
            await grain.SetAsync(41);
            await grain.ClearAsync();
            Assert.Equal(0, await grain.GetAsync());
            await grain.SetAsync(42);
            await grain.SetAsync(43);
            await grain.RegisterReminderAsync("resume");
            await grain.RegisterReminderAsync("temporary");
            await grain.UnregisterReminderAsync("temporary");

            Assert.Equal(1L, await ScalarAsync(connectionString, $"SELECT count(*) FROM OrleansMembershipTable WHERE Status = {Active}"));
            // Written, cleared (the row stays, its version keeps counting), written twice more: version 4.
            Assert.Equal(4, await ScalarAsync(connectionString, $"SELECT Version FROM OrleansStorage WHERE ServiceId = '{ServiceId}' AND PayloadBinary IS NOT NULL"));
            Assert.Equal("resume", await ScalarAsync(connectionString, "SELECT string_agg(ReminderName, ',') FROM OrleansRemindersTable"));
            await first.StopAsync(Ct);
        }

        Assert.Equal(1L, await ScalarAsync(connectionString, $"SELECT count(*) FROM OrleansMembershipTable WHERE Status = {Dead}"));

        using var second = await StartSiloAsync(connectionString);
        using var client = await StartClientAsync(connectionString);

        Assert.Equal(43, await client.Services.GetRequiredService<IClusterClient>().GetGrain<IPostgresProbeGrain>("probe-1").GetAsync());
        Assert.Equal("resume", await ScalarAsync(connectionString, "SELECT string_agg(ReminderName, ',') FROM OrleansRemindersTable"));

        // The dead generation's row goes; the live silo's row stays.
        await second.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct);
        Assert.Equal("3", await ScalarAsync(connectionString, "SELECT string_agg(Status::text, ',') FROM OrleansMembershipTable"));

        await client.StopAsync(Ct);
        await second.StopAsync(Ct);
    }

    private static async Task<IHost> StartSiloAsync(string connectionString)
    {
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
                silo.UseSweepPostgres(connectionString);
            })
            .Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static async Task<IHost> StartClientAsync(string connectionString)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                });
                client.UseSweepPostgres(connectionString);
            })
            .Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }
}
