using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sweep.Grains.Contracts;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Cluster;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Security;

/// <summary>
/// Mutual TLS for real: two silos and a client with certificates from one CA form a cluster over TCP and run a
/// sweep, while clients without a certificate, or with one the cluster's CA did not sign, and a silo with such a
/// certificate, are refused with a line that says which setting to fix.
/// </summary>
public sealed class MutualTlsClusterTests(PostgresServer postgres)
{
    [Fact]
    public async Task MembersWithClusterCertificates_RunASweep_WhileStrangersAreRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync(ct);
        using var directory = new TemporaryDirectory("sweep-mtls");
        using var cluster = new TestCertificateAuthority(Path.Combine(directory.Path, "cluster"), "cluster-ca");
        using var other = new TestCertificateAuthority(Path.Combine(directory.Path, "other"), "other-ca");
        // Trusts both CAs, so it accepts the cluster's certificates and only the cluster can object to its own.
        var bothCas = Path.Combine(directory.Path, "both-cas.crt");
        await File.WriteAllTextAsync(bothCas, await File.ReadAllTextAsync(other.CaFile, ct) + "\n" + await File.ReadAllTextAsync(cluster.CaFile, ct), ct);
        var options = new SweepHostOptions { PostgresConnectionString = cs, AdvertisedAddress = "127.0.0.1", TrainerSlots = 1 };
        var silos = new List<IHost>();
        try
        {
            silos.Add(await SweepHosting.StartSiloAsync(options with { Tls = cluster.Issue("silo-1") }, ct));
            silos.Add(await SweepHosting.StartSiloAsync(options with { Tls = cluster.Issue("silo-2") }, ct));
            using var client = await SweepHosting.StartClientAsync(options with { Tls = cluster.Issue("client", serverAuth: false) }, ct);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            await Eventually.WaitAsync(
                async () => (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2,
                TimeSpan.FromSeconds(60),
                "both silos are active members of the cluster (they talk over TLS)");
            var sweep = TestSweeps.Create("mtls", seeds: 1, TestSweeps.Settings(steps: 30000, checkpointEvery: 5000));
            var coordinator = grains.GetGrain<ISweepGrain>(sweep.SweepId);
            Assert.Null((await coordinator.SubmitAsync(sweep)).Error);
            await Eventually.WaitAsync(
                async () => (await coordinator.GetTrialsAsync()).Any(t => t.Status == TrialStatus.Running),
                TimeSpan.FromSeconds(60),
                "a trial is training");

            var withoutCertificate = await Assert.ThrowsAsync<SweepConfigurationException>(
                () => SweepHosting.StartClientAsync(options, ct));
            Assert.StartsWith("the cluster requires TLS client certificates and this client has none; pass --tls-cert, --tls-key and --tls-ca", withoutCertificate.Message);

            var foreignCertificate = await Assert.ThrowsAsync<SweepConfigurationException>(
                () => SweepHosting.StartClientAsync(options with { Tls = other.Issue("intruder") with { CaFile = bothCas } }, ct));
            Assert.StartsWith("the cluster refused this client's TLS certificate 'CN=intruder', issued by 'CN=other-ca' (check --tls-cert/--tls-ca", foreignCertificate.Message);

            var foreignCa = await Assert.ThrowsAsync<SweepConfigurationException>(
                () => SweepHosting.StartClientAsync(options with { Tls = other.Issue("outsider") }, ct));
            Assert.StartsWith("the cluster's TLS certificate 'CN=silo-", foreignCa.Message);
            Assert.Contains($"is not signed by a CA in --tls-ca {other.CaFile}", foreignCa.Message);

            var foreignSilo = await Assert.ThrowsAsync<SweepConfigurationException>(
                () => SweepHosting.StartSiloAsync(options with { Tls = other.Issue("rogue-silo") with { CaFile = bothCas } }, ct));
            Assert.StartsWith("the cluster refused this silo's TLS certificate 'CN=rogue-silo', issued by 'CN=other-ca' (check --tls-cert/--tls-ca", foreignSilo.Message);

            Assert.All(new[] { withoutCertificate, foreignCertificate, foreignCa, foreignSilo }, e => Assert.DoesNotContain("Exception", e.Message));
            // The refusals, made while a trial trained, did not disturb the members: the sweep finishes with every trial
            // on its first attempt (no silo lost its membership or its trial).
            await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(180), "the sweep finishes");
            Assert.All(await coordinator.GetTrialsAsync(), t => Assert.Equal(1, t.Attempts));
            await using var store = new PostgresSweepStore(cs);
            var rows = await store.QueryLeaderboardAsync(new(SweepId: sweep.SweepId), ct);
            Assert.Equal(sweep.Trials.Length, rows.Count);
            Assert.All(rows, r => Assert.Equal(TrialStatus.Completed, r.Status));
            await client.StopAsync(ct);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.StopAsync(CancellationToken.None);
                silo.Dispose();
            }
        }
    }
}
