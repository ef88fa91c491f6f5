namespace Sweep.Grains.Lifecycle;

/// <summary>
/// The one place that says how a trial's status may change:
/// <code>
/// pending ──lease──► running ──► completed | diverged | failed | cancelled | pruned
///    ▲                  │  ▲
///    └──lease lost──────┘  └──promoted── paused ◄──at a rung── running
///                                          └──► pruned | cancelled
/// </code>
/// A trial is leased (pending → running), loses or hands back its lease (running → pending), waits at a rung of a
/// synchronous halving (running → paused) until the search promotes it (paused → running, when it is leased again)
/// or prunes it (paused → pruned), and ends once. It ends from pending when it is cancelled before it ran, or when an
/// attempt whose lease had lapsed recorded its result. A finished trial never changes again. Anything else is a
/// bug, and throws.
/// </summary>
public static class TrialLifecycle
{
    public static bool Allows(TrialStatus from, TrialStatus to) => (from, to) switch
    {
        (TrialStatus.Pending, TrialStatus.Running) => true,
        (TrialStatus.Running, TrialStatus.Pending) => true,
        (TrialStatus.Running, TrialStatus.Paused) => true,
        (TrialStatus.Paused, TrialStatus.Running) => true,
        (TrialStatus.Paused, TrialStatus.Pruned or TrialStatus.Cancelled) => true,
        (TrialStatus.Pending, TrialStatus.Pruned) => false,
        (TrialStatus.Pending or TrialStatus.Running, _) => to.IsFinished(),
        _ => false,
    };

    /// <summary>Returns <paramref name="to"/> when the move is allowed.</summary>
    /// <exception cref="InvalidOperationException">The move is not one a trial can make.</exception>
    public static TrialStatus Move(string trialId, TrialStatus from, TrialStatus to) =>
        Allows(from, to)
            ? to
            : throw new InvalidOperationException($"Trial {trialId}: {from} -> {to} is not a move a trial can make.");
}
