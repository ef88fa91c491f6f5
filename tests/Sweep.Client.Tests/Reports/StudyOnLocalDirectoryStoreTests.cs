using Sweep.Grains.Storage;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>The study commands on a <see cref="LocalDirectorySweepStore"/> in a fresh temporary directory.</summary>
public sealed class StudyOnLocalDirectoryStoreTests : StudyOnStoreTests
{
    private readonly TemporaryDirectory _root = new("sweep-study-local");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root.Path));
}
