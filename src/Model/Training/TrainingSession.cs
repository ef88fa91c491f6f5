using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Model.Training;

/// <summary>
/// One training run: network, optimiser, random generator, dev split and learning curve. A pure function of
/// (architecture, options, data): <see cref="Run"/> after <see cref="Resume"/> from any checkpoint gives the same
/// bits as an uninterrupted run. CONTRACT (owned by the engine work, issue 2).
/// </summary>
public sealed class TrainingSession
{
    private TrainingSession()
    {
    }

    /// <summary>Optimiser steps taken so far.</summary>
    public int Step => throw new NotImplementedException("issue 2");

    /// <summary>A fresh run (He init from the seed, dev split drawn from the seed).</summary>
    public static TrainingSession Create(ArchitectureSpec architecture, TrainingOptions options, DatasetPair data)
        => throw new NotImplementedException("issue 2");

    /// <summary>Continues a run from checkpoint bytes; throws <see cref="CheckpointException"/>.</summary>
    public static TrainingSession Resume(ReadOnlySpan<byte> checkpoint, DatasetPair data)
        => throw new NotImplementedException("issue 2");

    /// <summary>Trains until the step budget, early stop, divergence or cancellation (which returns
    /// <see cref="TrialOutcome.Cancelled"/>, not an exception). Runs on the calling thread.</summary>
    public TrainingResult Run(TrainingCallbacks? callbacks, CancellationToken cancellationToken)
        => throw new NotImplementedException("issue 2");

    /// <summary>The full state (weights, moments, step, generator state, curve) in the versioned binary format.</summary>
    public byte[] CreateCheckpoint() => throw new NotImplementedException("issue 2");
}
