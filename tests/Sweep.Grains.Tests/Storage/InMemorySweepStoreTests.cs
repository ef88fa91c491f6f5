using Sweep.Grains.Storage;
using Sweep.Grains.Storage.InMemory;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The conformance suite on an <see cref="InMemorySweepStore"/>; its "location" is the instance itself.</summary>
public sealed class InMemorySweepStoreTests : SweepStoreConformanceTests
{
    private InMemorySweepStore? _store;

    private InMemorySweepStore Memory => _store ?? throw new InvalidOperationException("No store yet.");

    protected override Task<ISweepStore> CreateStoreAsync() => Task.FromResult<ISweepStore>(_store = new InMemorySweepStore());

    protected override Task<ISweepStore> ReopenStoreAsync() => Task.FromResult<ISweepStore>(Memory);

    protected override Task CorruptCheckpointAsync(string trialId, int step)
    {
        Memory.CorruptCheckpoint(trialId, step);
        return Task.CompletedTask;
    }

    protected override Task<int[]> StoredCheckpointStepsAsync(string trialId) => Task.FromResult(Memory.CheckpointSteps(trialId));
}
