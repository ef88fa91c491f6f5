namespace Sweep.Grains.Storage;

/// <summary>Which stored thing a <see cref="StoreDamage"/> is.</summary>
public enum StoreDamageKind
{
    /// <summary>The sweep's definition (its grid): rebuilt when the same grid is submitted again.</summary>
    Sweep,

    /// <summary>The stored study report: recomputed from the results.</summary>
    Study,

    /// <summary>A trial's status: rebuilt from its result or newest good checkpoint.</summary>
    Status,

    /// <summary>A trial's result: the trial reruns from its newest good checkpoint on the next submit.</summary>
    Result,

    /// <summary>A decision of the search at a rung: read as not made, so the rung decides it again.</summary>
    Rung,
}
