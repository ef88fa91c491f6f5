using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Training;

namespace Sweep.Grains.Coordinator;

/// <summary>
/// Cancels a sweep through the store alone (embedded mode, where no silo may be running): every trial without a
/// result gets a Cancelled one. A silo still running the sweep on the same store sees those results when it next
/// starts a trial, and a running trial's own result loses to the Cancelled one.
/// </summary>
public static class StoreCancellation
{
    /// <summary>Returns the number of trials cancelled; throws <see cref="KeyNotFoundException"/> for an unknown sweep.</summary>
    public static async Task<int> CancelAsync(ISweepStore store, string sweepId, CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(sweepId, cancellationToken)
            ?? throw new KeyNotFoundException($"no sweep named '{sweepId}' in the store");
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var cancelled = 0;
        foreach (var spec in sweep.Trials)
        {
            var known = statuses.TryGetValue(spec.TrialId, out var s);
            if (known && s.Status.IsFinished())
            {
                continue;
            }
            TrialLifecycle.Move(spec.TrialId, known ? s.Status : TrialStatus.Pending, TrialStatus.Cancelled);
            if (await store.SaveResultAsync(TrialResults.Cancelled(spec, known ? s.Steps : 0), cancellationToken))
            {
                cancelled++;
            }
        }
        return cancelled;
    }
}
