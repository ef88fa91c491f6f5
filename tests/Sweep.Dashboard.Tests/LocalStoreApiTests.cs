using Sweep.Grains.Storage;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Dashboard.Tests;

/// <summary>The API over the embedded store (a local directory).</summary>
public sealed class LocalStoreApiTests : ApiTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new("sweep-dashboard-api");

    protected override string[] StoreArguments => ["--store", _directory.Path];

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_directory.Path));

    public void Dispose() => _directory.Dispose();
}
