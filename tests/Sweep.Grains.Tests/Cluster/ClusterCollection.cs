namespace Sweep.Grains.Tests.Cluster;

/// <summary>The tests that share one two-silo cluster (<see cref="ClusterFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "sweep cluster";
}
