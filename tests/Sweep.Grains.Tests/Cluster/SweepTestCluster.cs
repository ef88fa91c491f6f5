using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// A TestCluster of Sweep silos sharing one local-directory store in a temp directory, with short leases and
/// fast progress so that failover happens in seconds. Trials train for real (TrainingSession) on tiny data.
/// </summary>
public sealed class SweepTestCluster : IAsyncDisposable
{
    private const string StoreKey = "SweepTest:Store";
    private const string SlotsKey = "SweepTest:Slots";
    private const string LeaseKey = "SweepTest:LeaseMilliseconds";
    private const string FaultsKey = "SweepTest:Faults";

    // In-process silos read their fault plan from here (a TestCluster passes only strings to silo configurators).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, StoreFaults> FaultPlans = new();

    // The activation of every trial grain called in any test cluster of this process, by trial id (ids are unique
    // per test: they start with the test's sweep name).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IGrainContext> TrialActivations = new();

    private readonly bool _ownsStore;

    private SweepTestCluster(TestCluster cluster, string storeDirectory, bool ownsStore)
    {
        Cluster = cluster;
        StoreDirectory = storeDirectory;
        _ownsStore = ownsStore;
        Store = new LocalDirectorySweepStore(storeDirectory);
    }

    public TestCluster Cluster { get; }

    public string StoreDirectory { get; }

    /// <summary>The test's own view of the silos' store (same directory).</summary>
    public LocalDirectorySweepStore Store { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <param name="leaseDuration">Default 3 s.</param>
    /// <param name="faults">
    /// Faults the silos' store injects: the silos see the store through <see cref="RetryingSweepStore"/> with a
    /// one-second patience, classifying errors as for PostgreSQL, as a cluster silo does.
    /// </param>
    /// <param name="storeDirectory">
    /// An existing store to start on (a cluster restarted after another one stopped), kept when this one is disposed;
    /// by default a new temp directory, deleted with the cluster.
    /// </param>
    public static async Task<SweepTestCluster> StartAsync(
        short silos, int slotsPerSilo, TimeSpan? leaseDuration = null, StoreFaults? faults = null, string? storeDirectory = null)
    {
        var dir = storeDirectory ?? Path.Combine(Path.GetTempPath(), "sweep-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var builder = new TestClusterBuilder(silos);
        builder.Properties[StoreKey] = dir;
        builder.Properties[SlotsKey] = slotsPerSilo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties[LeaseKey] = ((int)(leaseDuration ?? TimeSpan.FromSeconds(3)).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (faults is not null)
        {
            FaultPlans[dir] = faults;
            builder.Properties[FaultsKey] = dir;
        }
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SweepTestCluster(cluster, dir, ownsStore: storeDirectory is null);
    }

    /// <summary>
    /// Deactivates a trial's grain from the runtime's side, as Orleans does to activations whose directory entry
    /// was lost with a dead silo: not on idle (a training trial is never idle), but now, while its silo lives.
    /// </summary>
    public static void DeactivateTrialNow(string trialId)
    {
        if (!TrialActivations.TryGetValue(trialId, out var activation))
        {
            throw new InvalidOperationException($"Trial {trialId} has no activation that a test cluster saw called.");
        }
        activation.Deactivate(new DeactivationReason(DeactivationReasonCode.DirectoryFailure, "test: directory entry lost with a dead silo"), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        FaultPlans.TryRemove(StoreDirectory, out _);
        if (!_ownsStore)
        {
            return;
        }
        try
        {
            Directory.Delete(StoreDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A silo killed mid-write may still hold a file for a moment; the temp directory is harmless.
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var dir = siloBuilder.Configuration[StoreKey]!;
            siloBuilder.AddMemoryGrainStorage(SweepHosting.GrainStorageName);
            siloBuilder.AddIncomingGrainCallFilter(context =>
            {
                if (context.TargetContext.GrainInstance is TrialGrain)
                {
                    TrialActivations[context.TargetContext.GrainId.Key.ToString()!] = context.TargetContext;
                }
                return context.Invoke();
            });
            ISweepStore store = new LocalDirectorySweepStore(dir);
            if (siloBuilder.Configuration[FaultsKey] is { } key)
            {
                store = new RetryingSweepStore(
                    new FaultyStore(store, FaultPlans[key]), PostgresTransience.IsTransient, PostgresTransience.Describe,
                    new StoreRetryPolicy { Patience = TimeSpan.FromSeconds(1), FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
                    "the test store");
            }
            var slots = int.Parse(siloBuilder.Configuration[SlotsKey]!, System.Globalization.CultureInfo.InvariantCulture);
            siloBuilder.Services.AddSweepSilo(store, new SweepRuntimeOptions
            {
                TrainerSlots = slots,
                LeaseDuration = TimeSpan.FromMilliseconds(int.Parse(siloBuilder.Configuration[LeaseKey]!, System.Globalization.CultureInfo.InvariantCulture)),
                ProgressInterval = TimeSpan.FromMilliseconds(200),
                IdlePoll = TimeSpan.FromMilliseconds(100),
                StudyDebounce = TimeSpan.FromSeconds(1),
                DataDirectory = Path.Combine(dir, "data"),
                // Each silo shares only its own slots' cores: several test silos run in one process on a small machine.
                Cores = slots,
            });
            siloBuilder.Services.AddSingleton<ITrialTrainer>(new HoldingTrainer(new SessionTrialTrainer()));
        }
    }
}
