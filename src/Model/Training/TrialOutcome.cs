namespace Sweep.Model.Training;

/// <summary>How a training run ended.</summary>
public enum TrialOutcome
{
    /// <summary>Ran its steps or stopped early on a converged dev accuracy.</summary>
    Completed,

    /// <summary>The cost became NaN or infinite; metrics are those of the last good evaluation.</summary>
    Diverged,

    /// <summary>Cancellation was requested; the run can be resumed from its checkpoint.</summary>
    Cancelled,

    /// <summary>Stopped at the step it was asked to pause at (a search rung); its checkpoint is at that step.</summary>
    Paused,
}
