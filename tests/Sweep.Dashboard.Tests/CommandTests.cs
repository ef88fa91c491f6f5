using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Sweep.Dashboard.Tests.Support;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Client.Dashboard;
using Sweep.Grains.Storage.LocalDirectory;

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
        Assert.Equal("Active", (string?)(await OrleansHostsAsync(address, deadline)).Single()!["status"]);
        Assert.Equal(0, await command.StopAsync());
    }

    [Fact]
    public async Task SiloWithDashboard_OnACluster_CancelsThroughTheCoordinator_AndServesTheOrleansDashboard()
    {
        var connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        await using var silo = new RunningCommand("silo", "--postgres", connectionString, "--slots", "1", "--port", FreePort().ToString(),
            "--gateway-port", FreePort().ToString(), "--advertise", "127.0.0.1", "--dashboard", "--dashboard-port", "0");
        var address = await silo.AddressAsync(StartWithin);
        var token = System.Text.RegularExpressions.Regex.Match(silo.Output, "cancel token: ([0-9a-f]{32})").Groups[1].Value;
        var grid = Path.Combine(_store.Path, "live.json");
        Directory.CreateDirectory(_store.Path);
        await File.WriteAllTextAsync(grid, BrowserGrids.Live, Ct);
        var (code, _, error) = await Cli.RunAsync(Ct, "submit", grid, "--cluster", connectionString);
        Assert.True(code == 0, $"submit: {error}");

        using var refused = await _http.PostAsync(new Uri(address, "api/sweeps/live/cancel"), null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "api/sweeps/live/cancel"));
        request.Headers.Add(DashboardServer.TokenHeader, token);
        using var cancelled = await _http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var deadline = DateTime.UtcNow + StartWithin;
        JsonNode sweep;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"the coordinator did not end the cancelled sweep: {silo.Error}");
            await Task.Delay(200, Ct);
            sweep = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "api/sweeps/live"), Ct))!;
        }
        while ((string?)sweep["state"] != "finished");
        Assert.True((int)sweep["cancelled"]! >= 5, $"cancelled: {sweep["cancelled"]}");
        Assert.Contains(await OrleansHostsAsync(address, deadline), h => (string?)h!["status"] == "Active");
    }

    /// <summary>The silos the Orleans Dashboard lists; it gathers its counters periodically, listing none until its first round.</summary>
    private async Task<JsonArray> OrleansHostsAsync(Uri address, DateTime deadline)
    {
        JsonArray hosts;
        while ((hosts = JsonNode.Parse(await _http.GetStringAsync(new Uri(address, "orleans/DashboardCounters"), Ct))!["hosts"]!.AsArray()).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the Orleans Dashboard's counters never listed a silo");
            await Task.Delay(100, Ct);
        }
        return hosts;
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

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _http.Dispose();
        _store.Dispose();
    }
}
