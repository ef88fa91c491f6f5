namespace Sweep.Grains.Search;

/// <summary>What successive halving says of a trial at a rung.</summary>
public enum RungVerdict
{
    /// <summary>Go on to the next rung (promoted).</summary>
    Continue,

    /// <summary>Wait at the rung, paused, until the rung is full (synchronous halving only).</summary>
    Pause,

    /// <summary>Stop here, pruned, with the metric of this rung.</summary>
    Prune,
}
