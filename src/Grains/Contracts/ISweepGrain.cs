using System.Collections.Immutable;

namespace Sweep.Grains.Contracts;

/// <summary>
/// The coordinator of one sweep (key: sweep id). Persists the sweep through the store, hands out trials to the
/// trainer slots that pull them (leases), re-queues trials whose lease expired, and aggregates results.
/// </summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the sweep (or finds the identical one already stored) and starts serving its trials. The same name
    /// with a different grid is refused: <see cref="SubmitOutcome.Error"/> says why.
    /// </summary>
    Task<SubmitOutcome> SubmitAsync(SweepDefinition sweep);

    /// <summary>The next pending trial for a slot on <paramref name="silo"/>, or null when none is left.</summary>
    Task<TrialLease?> LeaseAsync(string silo);

    /// <summary>A running trial says it started (on which silo, from which checkpoint step) under <paramref name="leaseId"/>.</summary>
    Task ReportStartedAsync(string trialId, string silo, int startStep, Guid leaseId);

    /// <summary>Progress of a running trial; renews its lease and says whether to go on.</summary>
    Task<ProgressReply> ReportProgressAsync(TrialProgressReport progress);

    /// <summary>
    /// A leased trial stopped without an outcome while the cluster goes on (its grain was deactivated, its silo is
    /// stopping, its start failed, the store could not be read): it goes back to the front of the queue at once,
    /// to resume from <paramref name="checkpointStep"/>, instead of waiting out its lease. Ignored when
    /// <paramref name="leaseId"/> is no longer the trial's lease.
    /// </summary>
    Task ReleaseAsync(string trialId, Guid leaseId, int checkpointStep, string reason);

    /// <summary>
    /// A trial of a search sweep reached a rung (its lease's <see cref="TrialLease.StopAt"/>): the search decides,
    /// the decision is recorded in the store with the standings it was based on, and the reply says what the trial
    /// does. A trial that reaches a rung again (an attempt redone after a fault) gets the decision it had.
    /// </summary>
    Task<RungReply> ReportRungAsync(RungReport report);

    /// <summary>A trial finished (its result is already in the store).</summary>
    Task ReportFinishedAsync(LeaderboardRow row, string? error);

    Task<SweepSummary> GetSummaryAsync();

    Task<ImmutableArray<TrialSnapshot>> GetTrialsAsync();

    /// <summary>Stops the sweep: pending trials end Cancelled, running ones are told to stop.</summary>
    Task CancelAsync();
}
