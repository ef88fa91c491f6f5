using System.Collections.Concurrent;
using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Grains.Coordinator;

namespace Sweep.Grains.Training;

/// <summary>
/// Every dataset loaded once per silo and shared by all trials on it (datasets are immutable). A failed load is
/// not cached, so a fixed file is picked up by the next trial.
/// </summary>
public sealed class DatasetCache(SweepRuntimeOptions options)
{
    private readonly ConcurrentDictionary<DatasetRef, Lazy<Task<DatasetPair>>> _loaded = new();

    public async Task<DatasetPair> GetAsync(DatasetRef dataset)
    {
        var entry = _loaded.GetOrAdd(dataset, d => new Lazy<Task<DatasetPair>>(
            () => Task.Run(() => DatasetLoader.Load(d.ToSource(), options.DataDirectory))));
        try
        {
            return await entry.Value;
        }
        catch
        {
            _loaded.TryRemove(new KeyValuePair<DatasetRef, Lazy<Task<DatasetPair>>>(dataset, entry));
            throw;
        }
    }
}
