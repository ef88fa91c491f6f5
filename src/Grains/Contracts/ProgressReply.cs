namespace Sweep.Grains.Contracts;

/// <summary>What the coordinator answers a running trial's progress report.</summary>
public enum ProgressReply
{
    /// <summary>Keep training; the lease is renewed.</summary>
    Continue,

    /// <summary>The sweep was cancelled: stop and end Cancelled.</summary>
    Cancel,

    /// <summary>
    /// Another attempt holds the trial now (this one's lease expired, e.g. across a network partition): stop and
    /// record nothing, so the attempt that holds the lease is the only one that writes.
    /// </summary>
    Superseded,
}
