using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sweep.Grains.Contracts;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>Cluster mode for real: two silos and a client meet through PostgreSQL membership and run a sweep.</summary>
public sealed class PostgresClusterTests(PostgresServer postgres)
{
    [Fact]
    public async Task TwoSilosOnPostgres_RunASweepEndToEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await postgres.CreateDatabaseAsync(ct);
        var options = new SweepHostOptions { PostgresConnectionString = cs, AdvertisedAddress = "127.0.0.1", TrainerSlots = 1 };
        var silos = new List<IHost>();
        try
        {
            silos.Add(await SweepHosting.StartSiloAsync(options, ct));
            silos.Add(await SweepHosting.StartSiloAsync(options, ct));
            using var client = await SweepHosting.StartClientAsync(cs, verbose: false, telemetryConsole: false, ct);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            // Both silos must be members before work exists, and each trial must outlast a slot's idle poll
            // (500 ms): otherwise one silo can drain the sweep before the other ever asks, and the test would
            // measure timing, not placement.
            await Eventually.WaitAsync(
                async () => (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2,
                TimeSpan.FromSeconds(60),
                "both silos are active members of the cluster");
            var sweep = TestSweeps.Create("pg", seeds: 3, TestSweeps.Settings(steps: 6000, checkpointEvery: 1000));
            var coordinator = grains.GetGrain<ISweepGrain>(sweep.SweepId);

            var outcome = await coordinator.SubmitAsync(sweep);
            await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(90), "the sweep finishes");

            Assert.Null(outcome.Error);
            await using var store = new PostgresSweepStore(cs);
            var rows = await store.QueryLeaderboardAsync(new(SweepId: sweep.SweepId), ct);
            Assert.Equal(sweep.Trials.Length, rows.Count);
            Assert.All(rows, r => Assert.Equal(TrialStatus.Completed, r.Status));
            var trials = await coordinator.GetTrialsAsync();
            Assert.Equal(2, trials.Select(t => t.Silo).Distinct().Count());
            Assert.NotNull(await store.GetStudyAsync(sweep.SweepId, ct));
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
