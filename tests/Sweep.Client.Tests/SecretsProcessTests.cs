using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Sweep.Grains.Tests.Support;

namespace Sweep.Client.Tests;

/// <summary>
/// The connection string's password stays secret: a file keeps it out of the process list, and neither a silo
/// nor a client prints it, with verbose logs on (Orleans dumps its options at start) or on failure.
/// </summary>
public sealed class SecretsProcessTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const string Password = "Pw-4b1d-never-print-me";

    [Fact]
    public async Task SiloAndClientWithVerboseLogs_NeverPrintThePassword()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        // Trust authentication: the server never asks for the password, but every component is handed it.
        var connectionString = new NpgsqlConnectionStringBuilder(database) { Password = Password }.ConnectionString;
        using var directory = new TempDirectory();
        var file = directory.File("cluster.conn", connectionString + "\n");
        var grid = directory.File("grid.json", TinyGrids.Valid);

        using var silo = SweepProcess.Start(directory.Path, "silo", "--cluster-file", file, "--verbose", "--slots", "1",
            "--advertise", "127.0.0.1", "--port", FreePort(), "--gateway-port", FreePort());
        var siloOut = silo.StandardOutput.ReadToEndAsync(ct);
        var siloError = silo.StandardError.ReadToEndAsync(ct);
        string siloLog;
        try
        {
            await WaitForActiveSiloAsync(database, silo, ct);
            Assert.DoesNotContain(Password, await File.ReadAllTextAsync($"/proc/{silo.Id}/cmdline", ct));

            var submit = await SweepProcess.RunAsync(directory.Path, TimeSpan.FromSeconds(180), "submit", grid, "--cluster-file", file, "--verbose", "--wait");
            Assert.True(submit.ExitCode == 0, $"submit exited {submit.ExitCode}: {submit.Error}");
            Assert.DoesNotContain(Password, submit.Out + submit.Error);
            Assert.Contains("Orleans", submit.Error);

            // Failures name the database, never its password: a server that is not there, a string that does not parse.
            var unreachable = await SweepProcess.RunAsync(directory.Path, TimeSpan.FromSeconds(60), "status", "--verbose",
                "--cluster", $"Host=127.0.0.1;Port={FreePort()};Username=sweep;Password={Password};Timeout=3");
            Assert.Equal(1, unreachable.ExitCode);
            Assert.Contains("sweep: PostgreSQL:", unreachable.Error);
            Assert.DoesNotContain(Password, unreachable.Out + unreachable.Error);
            var malformed = await SweepProcess.RunAsync(directory.Path, TimeSpan.FromSeconds(60), "status",
                "--cluster", $"Host=127.0.0.1;Password={Password};x{Password}=1");
            Assert.Equal(1, malformed.ExitCode);
            Assert.StartsWith("sweep: not a PostgreSQL connection string", malformed.Error);
            Assert.DoesNotContain(Password, malformed.Out + malformed.Error);
        }
        finally
        {
            if (!silo.HasExited)
            {
                PosixSignals.Send(silo.Id, PosixSignals.Terminate);
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await silo.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                silo.Kill(entireProcessTree: true);
            }
            siloLog = await siloOut + await siloError;
        }
        // Orleans did dump the options that hold the connection string, redacted.
        Assert.Contains("AdoNetGrainStorageOptions-sweep:", siloLog);
        Assert.Contains("ConnectionString: REDACTED", siloLog);
        Assert.DoesNotContain(Password, siloLog);
    }

    private static async Task WaitForActiveSiloAsync(string connectionString, Process silo, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            Assert.False(silo.HasExited, $"the silo exited early with {(silo.HasExited ? silo.ExitCode : 0)}");
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                await using var query = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_tables WHERE tablename = 'orleansmembershiptable'", connection);
                if ((long)(await query.ExecuteScalarAsync(ct))! == 1)
                {
                    await using var active = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
                    if ((long)(await active.ExecuteScalarAsync(ct))! == 1)
                    {
                        return;
                    }
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the silo did not become an active member within 90 s");
            }
            await Task.Delay(100, ct);
        }
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
