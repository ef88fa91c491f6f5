namespace Sweep.Grains.Lifecycle;

/// <summary>Life cycle of a trial; <see cref="TrialLifecycle"/> says which moves are allowed. Finished states are final.</summary>
public enum TrialStatus
{
    Pending,
    Running,
    Completed,
    Diverged,
    Failed,
    Cancelled,

    /// <summary>Waiting at a rung of a synchronous successive-halving sweep, its checkpoint at the rung's step.</summary>
    Paused,

    /// <summary>Stopped at a rung by the search because its metric there was not in the rung's top 1/η. Final.</summary>
    Pruned,
}
