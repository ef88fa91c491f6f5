using Sweep.Grains.Storage;

namespace Sweep.Grains.Tests.Studies;

/// <summary>The study commands on a <see cref="LocalDirectorySweepStore"/> in a fresh temporary directory.</summary>
public sealed class StudyOnLocalDirectoryStoreTests : StudyOnStoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sweep-study-local-" + Guid.NewGuid().ToString("N"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(new LocalDirectorySweepStore(_root));
}
