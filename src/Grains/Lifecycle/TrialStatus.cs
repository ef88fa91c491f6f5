namespace Sweep.Grains.Lifecycle;

/// <summary>Life cycle of a trial. Finished states are final.</summary>
public enum TrialStatus
{
    Pending,
    Running,
    Completed,
    Diverged,
    Failed,
    Cancelled,
}
