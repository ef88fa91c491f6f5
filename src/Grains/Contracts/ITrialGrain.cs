using Orleans.Concurrency;

namespace Sweep.Grains.Contracts;

/// <summary>
/// One trial (key: trial id). Trains off the grain scheduler on the silo that activated it, checkpoints, resumes
/// from its newest checkpoint, and records its result exactly once.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts (or resumes) training and returns at once; a second call while training is a no-op.</summary>
    Task StartAsync(TrialLease lease);

    /// <summary>Waits up to <paramref name="timeout"/> for the training to end; true when it is not running.</summary>
    [AlwaysInterleave]
    Task<bool> WaitForEndAsync(TimeSpan timeout);

    /// <summary>Stops training; the trial ends Cancelled.</summary>
    [AlwaysInterleave]
    Task CancelAsync();
}
