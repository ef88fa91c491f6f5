using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Sweep.Grains.Grains;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// A TestCluster of Sweep silos sharing one local-directory store in a temp directory, with short leases and
/// fast progress so that failover happens in seconds. Trials train for real (TrainingSession) on tiny data.
/// </summary>
public sealed class SweepTestCluster : IAsyncDisposable
{
    private const string StoreKey = "SweepTest:Store";
    private const string SlotsKey = "SweepTest:Slots";

    private SweepTestCluster(TestCluster cluster, string storeDirectory)
    {
        Cluster = cluster;
        StoreDirectory = storeDirectory;
        Store = new LocalDirectorySweepStore(storeDirectory);
    }

    public TestCluster Cluster { get; }

    public string StoreDirectory { get; }

    /// <summary>The test's own view of the silos' store (same directory).</summary>
    public LocalDirectorySweepStore Store { get; }

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<SweepTestCluster> StartAsync(short silos, int slotsPerSilo)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sweep-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var builder = new TestClusterBuilder(silos);
        builder.Properties[StoreKey] = dir;
        builder.Properties[SlotsKey] = slotsPerSilo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SweepTestCluster(cluster, dir);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
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
            siloBuilder.Services.AddSweepSilo(new LocalDirectorySweepStore(dir), new SweepRuntimeOptions
            {
                TrainerSlots = int.Parse(siloBuilder.Configuration[SlotsKey]!, System.Globalization.CultureInfo.InvariantCulture),
                LeaseDuration = TimeSpan.FromSeconds(3),
                ProgressInterval = TimeSpan.FromMilliseconds(200),
                IdlePoll = TimeSpan.FromMilliseconds(100),
                StudyDebounce = TimeSpan.FromSeconds(1),
                DataDirectory = Path.Combine(dir, "data"),
            });
        }
    }
}
