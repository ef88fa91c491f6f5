using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Sweep.Dashboard.Tests.Support;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Dashboard.Tests;

/// <summary><c>sweep dashboard</c> and <c>sweep silo --dashboard</c> as a user runs them.</summary>
public sealed class CommandTests(PostgresServer server) : IDisposable
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _store = new("sweep-dashboard-cli");
    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_PrintsItsLoopbackAddressAndToken_ServesTheStore_AndStopsOnCtrlC()
    {
        await ApiTestData.PopulateAsync(new LocalDirectorySweepStore(_store.Path), Ct);
        await using var command = new RunningCommand("dashboard", "--store", _store.Path, "--port", "0");
        var address = await command.AddressAsync(StartWithin);

        Assert.Equal(IPAddress.Loopback.ToString(), address.Host);
        Assert.Matches(@"cancel token: [0-9a-f]{32} ", command.Output);
        var sweeps = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "api/sweeps"), Ct))!.AsArray();
        Assert.Equal(ApiTestData.SweepId, (string?)sweeps.Single()!["sweepId"]);
        var page = await _http.GetStringAsync(address, Ct);
        Assert.Contains("<script src=\"app.js\"", page);
        var info = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "api/dashboard"), Ct))!;
        Assert.Null(info["orleansDashboard"]);
        Assert.Equal(0, await command.StopAsync());
    }

    [Fact]
    public async Task Dashboard_OnACluster_NeverShowsTheConnectionString()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await server.CreateMigratedDatabaseAsync(Ct)) { Password = "s3cret-pw" }.ConnectionString;
        await ApiTestData.PopulateAsync(new PostgresSweepStore(connectionString), Ct);
        await using var command = new RunningCommand("dashboard", "--cluster", connectionString, "--port", "0");
        var address = await command.AddressAsync(StartWithin);

        var bodies = new List<string> { command.Output, command.Error };
        foreach (var path in new[] { "", "app.js", "api/sweeps", $"api/sweeps/{ApiTestData.SweepId}", $"api/trials/{ApiTestData.Completed.TrialId}" })
        {
            bodies.Add(await _http.GetStringAsync(new Uri(address, path), Ct));
        }
        Assert.Contains(ApiTestData.SweepId, bodies[3]);
        foreach (var body in bodies)
        {
            Assert.DoesNotContain("s3cret-pw", body);
            Assert.DoesNotContain("Host=", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task SiloWithDashboard_ServesTheSilosStoreAndTheOrleansDashboard()
    {
        await ApiTestData.PopulateAsync(new LocalDirectorySweepStore(_store.Path), Ct);
        await using var command = new RunningCommand("silo", "--store", _store.Path, "--slots", "1", "--dashboard", "--dashboard-port", "0");
        var address = await command.AddressAsync(StartWithin);

        // The silo trains what the store has left: the pending and the running trial name a generator ("blobs")
        // that does not exist, so they fail, and the dashboard shows it as it happens.
        var deadline = DateTime.UtcNow + StartWithin;
        JsonNode sweep;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"the silo did not finish the sweep's open trials: {command.Error}");
            await Task.Delay(100, Ct);
            sweep = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, $"api/sweeps/{ApiTestData.SweepId}"), Ct))!;
        }
        while ((string?)sweep["state"] != "finished");
        Assert.Equal(6, (int)sweep["total"]!);
        Assert.Equal(3, (int)sweep["failed"]!);

        // The Orleans Dashboard, as a client of this silo: the page, and the counters naming the one silo.
        var info = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "api/dashboard"), Ct))!;
        Assert.Equal("orleans/", (string?)info["orleansDashboard"]);
        Assert.Contains($"orleans dashboard: {address}orleans/", command.Output);
        using var orleansPage = await _http.GetAsync(new Uri(address, "orleans/"), Ct);
        Assert.Equal(HttpStatusCode.OK, orleansPage.StatusCode);
        var counters = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "orleans/DashboardCounters"), Ct))!;
        Assert.Equal("Active", (string?)counters["hosts"]!.AsArray().Single()!["status"]);
        Assert.Equal(0, await command.StopAsync());
    }

    [Theory]
    [InlineData("--bind", "localhost:80", "--bind: 'localhost:80' is not an IP address")]
    [InlineData("--port", "70000", "--port: 70000 is not a TCP port")]
    public async Task BadAddress_IsOneLineNamingTheOption(string option, string value, string expected)
    {
        Directory.CreateDirectory(_store.Path);
        var (code, _, error) = await Cli.RunAsync(Ct, "dashboard", "--store", _store.Path, option, value);
        Assert.Equal(1, code);
        Assert.StartsWith($"sweep: {expected}", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    public void Dispose()
    {
        _http.Dispose();
        _store.Dispose();
    }
}
