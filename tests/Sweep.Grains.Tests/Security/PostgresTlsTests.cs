using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sweep.Grains.Contracts;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Cluster;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Security;

/// <summary>
/// PostgreSQL over TLS when the connection string asks for it: every path that opens connections (the migrator,
/// Orleans' ADO.NET clustering, grain storage and reminders, and Sweep's store) honours <c>SSL Mode</c> and
/// <c>Root Certificate</c>, against the test server, which has ssl=on.
/// </summary>
public sealed class PostgresTlsTests(PostgresServer postgres)
{
    [Fact]
    public async Task ConnectionStringAskingForTls_RunsASweep_OverEncryptedConnectionsOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var plain = await postgres.CreateDatabaseAsync(ct);
        var database = new NpgsqlConnectionStringBuilder(plain).Database!;
        var verified = new NpgsqlConnectionStringBuilder(plain) { SslMode = SslMode.VerifyFull, RootCertificate = postgres.RootCertificateFile }.ConnectionString;
        var options = new SweepHostOptions { PostgresConnectionString = verified, AdvertisedAddress = "127.0.0.1", TrainerSlots = 1 };
        using var silo = await SweepHosting.StartSiloAsync(options, ct);
        try
        {
            using var client = await SweepHosting.StartClientAsync(verified, verbose: false, telemetryConsole: false, ct);
            var sweep = TestSweeps.Create("pgtls", seeds: 1, TestSweeps.Settings(steps: 300, checkpointEvery: 100));
            var coordinator = client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(sweep.SweepId);
            Assert.Null((await coordinator.SubmitAsync(sweep)).Error);
            await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes");

            await using var store = new PostgresSweepStore(new NpgsqlConnectionStringBuilder(plain) { SslMode = SslMode.Require }.ConnectionString);
            var rows = await store.QueryLeaderboardAsync(new(SweepId: sweep.SweepId), ct);
            Assert.Equal(sweep.Trials.Length, rows.Count);
            Assert.All(rows, r => Assert.Equal(TrialStatus.Completed, r.Status));

            // Every backend serving this database (the silo's and client's pools, the store's) is on TLS.
            await using var admin = new NpgsqlConnection(postgres.AdminConnectionString);
            await admin.OpenAsync(ct);
            await using var query = new NpgsqlCommand(
                "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = @db", admin);
            query.Parameters.AddWithValue("db", database);
            await using var reader = await query.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            var (backends, encrypted) = (reader.GetInt64(0), reader.GetInt64(1));
            Assert.True(backends >= 2, $"expected the silo's and the store's connections, saw {backends}");
            Assert.Equal(backends, encrypted);
            await client.StopAsync(ct);
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task VerifyFullWithAnotherRootCertificate_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var plain = await postgres.CreateDatabaseAsync(ct);
        using var directory = new TemporaryDirectory("sweep-pg-root");
        using var other = new TestCertificateAuthority(directory.Path, "other-root");
        var wrongRoot = new NpgsqlConnectionStringBuilder(plain) { SslMode = SslMode.VerifyFull, RootCertificate = other.CaFile, Pooling = false }.ConnectionString;

        await using var store = new PostgresSweepStore(wrongRoot);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.GetSweepAsync("none", ct));

        // The server's certificate was checked against the given root, not just accepted.
        Assert.True(error is NpgsqlException or System.Security.Authentication.AuthenticationException, error.ToString());
    }
}
