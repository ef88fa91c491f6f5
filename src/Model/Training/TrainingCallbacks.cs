namespace Sweep.Model.Training;

/// <summary>Hooks a trainer calls synchronously on the training thread.</summary>
public sealed class TrainingCallbacks
{
    /// <summary>Called every <see cref="ProgressEvery"/> steps and after each dev evaluation.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Called with the step and the checkpoint bytes every CheckpointEvery steps and at the end of a
    /// completed, cancelled or paused run (a diverged run has nothing worth resuming); a completed run's goes to
    /// <see cref="FinalCheckpoint"/> instead when that is set.</summary>
    public Action<int, byte[]>? Checkpoint { get; init; }

    /// <summary>When set, called instead of <see cref="Checkpoint"/> with the checkpoint at the end of a completed run
    /// (all its steps, or an early stop): a caller that records the run's result next may keep it rather than store
    /// it.</summary>
    public Action<int, byte[]>? FinalCheckpoint { get; init; }

    public int ProgressEvery { get; init; } = 10;

    /// <summary>
    /// Asked before every step: the threads to train that step with (clamped to [1, the machine's cores]), so that a
    /// trial can take cores other trials left idle. Results do not depend on it. Null keeps the options' count.
    /// </summary>
    public Func<int>? Threads { get; init; }
}
