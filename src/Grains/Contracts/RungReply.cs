namespace Sweep.Grains.Contracts;

/// <summary>What a trial does after reaching a rung.</summary>
public enum RungAnswer
{
    /// <summary>Promoted: train on from here, to <see cref="RungReply.NextStop"/> (null: to the end).</summary>
    Continue,

    /// <summary>Wait at the rung (synchronous halving, the rung not yet full): end this attempt; the trial is paused.</summary>
    Pause,

    /// <summary>Stop for good: record the trial pruned, with its metrics at the rung.</summary>
    Prune,

    /// <summary>The sweep was cancelled: end the trial cancelled.</summary>
    Cancel,

    /// <summary>Another attempt holds the trial's lease (or it has ended): stop without recording anything.</summary>
    Superseded,
}

[GenerateSerializer, Immutable]
public sealed record RungReply(
    [property: Id(0)] RungAnswer Answer,
    [property: Id(1)] int? NextStop = null);
