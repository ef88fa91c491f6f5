using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Coordinator;

/// <summary>The coordinator's in-memory view of one trial.</summary>
internal sealed class TrialEntry(TrialSpec spec)
{
    public TrialSpec Spec { get; } = spec;

    /// <summary>Changed only through <see cref="MoveTo"/> (checked by <see cref="TrialLifecycle"/>) or <see cref="Restore"/>.</summary>
    public TrialStatus Status { get; private set; } = TrialStatus.Pending;

    /// <summary>Steps of the newest durable checkpoint: where the trial resumes, and the step the store shows.</summary>
    public int Steps { get; set; }

    /// <summary>The lease the trial runs under; null while it is not leased (or not yet heard of since activation).</summary>
    public Guid? LeaseId { get; set; }

    public string? Silo { get; set; }

    public string? LeasedTo { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    public int Attempts { get; set; }

    public int ResumedFromStep { get; set; }

    public string? Error { get; set; }

    public TrialProgressReport? Progress { get; set; }

    public void MoveTo(TrialStatus status) => Status = TrialLifecycle.Move(Spec.TrialId, Status, status);

    /// <summary>Takes the status the store holds, when a coordinator activation loads the sweep (not a move).</summary>
    public void Restore(TrialStatus status) => Status = status;

    public TrialSnapshot ToSnapshot() => new(
        Spec.TrialId, Spec.Dataset.Name, Spec.Architecture, Spec.Filters, Spec.LearningRate, Spec.Seed,
        Status, Progress?.Step ?? Steps, Spec.Training.Steps, Silo, Attempts, ResumedFromStep, Error,
        Status == TrialStatus.Running ? Progress : null, LeasedTo);
}
