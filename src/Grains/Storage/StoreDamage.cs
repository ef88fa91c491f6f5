namespace Sweep.Grains.Storage;

/// <summary>
/// A stored file (or row) that fails its checksum or cannot be decoded: what it belongs to, where it is, and why.
/// Reads skip it (a damaged result reads as no result, so a resubmit reruns the trial from its newest good
/// checkpoint); listings show it as <c>damaged</c>.
/// </summary>
/// <param name="Location">The file path (local store) or table and key (PostgreSQL).</param>
/// <param name="Reason">What is wrong with it, e.g. "SHA-256 checksum mismatch in the JSON section".</param>
public sealed record StoreDamage(StoreDamageKind Kind, string SweepId, string? TrialId, string Location, string Reason)
{
    /// <summary>One line for a person: what is damaged, where, why, and what a resubmit does about it.</summary>
    public string Describe() => Kind switch
    {
        StoreDamageKind.Result => $"trial {TrialId} is damaged: {Location}: {Reason}; submit its grid again to rerun it from its newest good checkpoint",
        StoreDamageKind.Sweep => $"sweep {SweepId} is damaged: {Location}: {Reason}; submit its grid again to rebuild it",
        StoreDamageKind.Status => $"trial {TrialId}'s status is damaged: {Location}: {Reason}; it is rebuilt from the result and checkpoints when read",
        StoreDamageKind.Study => $"sweep {SweepId}'s study is damaged: {Location}: {Reason}; 'sweep study {SweepId}' recomputes it from the results",
        StoreDamageKind.Rung => $"trial {TrialId}'s rung decision in sweep {SweepId} is damaged: {Location}: {Reason}; it reads as not made, so the search decides that rung again",
        _ => throw new InvalidOperationException($"Unknown damage kind {Kind}."),
    };
}
