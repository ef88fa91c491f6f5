namespace Sweep.Grains.Tests.Cluster;

/// <summary>One two-silo cluster (two trainer slots each) shared by the tests of <see cref="ClusterCollection"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public SweepTestCluster Sweep { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Sweep = await SweepTestCluster.StartAsync(silos: 2, slotsPerSilo: 2);

    public async ValueTask DisposeAsync() => await Sweep.DisposeAsync();
}
