using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Studies;

/// <summary>A trial a table or comparison could not use, with its state (Pending when nothing is known of it).</summary>
public sealed record TrialRef(string TrialId, TrialStatus Status);
