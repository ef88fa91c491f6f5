namespace Sweep.Grains.Lifecycle;

/// <summary>Queries on <see cref="TrialStatus"/>.</summary>
public static class TrialStatusExtensions
{
    /// <summary>Completed, Diverged, Failed, Cancelled or Pruned: the trial will not train again.</summary>
    public static bool IsFinished(this TrialStatus status) =>
        status is TrialStatus.Completed or TrialStatus.Diverged or TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Pruned;
}
