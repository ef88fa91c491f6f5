using System.Collections.Immutable;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Coordinator;

/// <summary>
/// The sweeps with work left. Its activation rebuilds the set from the store (every sweep with an unfinished
/// trial), which is also what restarts a whole cluster's work: the first idle trainer slot activates it, finds
/// the unfinished sweeps and pulls their trials. No reminder is needed for recovery.
/// </summary>
public sealed class SweepRegistryGrain(ISweepStore store) : Grain, ISweepRegistryGrain
{
    private readonly SortedSet<string> _active = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var sweep in await store.ListSweepsAsync(cancellationToken))
        {
            var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
            if (sweep.Trials.Any(t => !statuses.TryGetValue(t.TrialId, out var s) || !s.Status.IsFinished()))
            {
                _active.Add(sweep.SweepId);
            }
        }
    }

    public Task AddAsync(string sweepId)
    {
        _active.Add(sweepId);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string sweepId)
    {
        _active.Remove(sweepId);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetActiveAsync() => Task.FromResult(_active.ToImmutableArray());
}
