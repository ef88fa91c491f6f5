using System.Collections.Immutable;

namespace Sweep.Grains.Contracts;

/// <summary>
/// The sweeps that still have work (single key 0). Trainer slots ask it where to pull from. Rebuilt from the store
/// on activation, so it needs no durable state of its own.
/// </summary>
public interface ISweepRegistryGrain : IGrainWithIntegerKey
{
    Task AddAsync(string sweepId);

    Task RemoveAsync(string sweepId);

    Task<ImmutableArray<string>> GetActiveAsync();
}
