using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Training;

namespace Sweep.Grains.Training;

/// <summary>The training a trial grain drives; runs on the calling (thread-pool) thread.</summary>
public interface ITrialTrainer
{
    /// <summary>Trains <paramref name="spec"/> from scratch, or from <paramref name="checkpoint"/> when given.</summary>
    /// <param name="started">Called once with the step training starts from (0 for a fresh run).</param>
    /// <param name="stopAt">A rung step to pause at (<see cref="TrialOutcome.Paused"/>); null to train to the end.</param>
    TrainingResult Train(TrialSpec spec, DatasetPair data, byte[]? checkpoint, int? stopAt, Action<int> started, TrainingCallbacks callbacks, CancellationToken cancellationToken);

    /// <summary>The final metrics of the trial as <paramref name="checkpoint"/> left it, without training (a pruned trial's result).</summary>
    TrainingResult Conclude(TrialSpec spec, DatasetPair data, byte[] checkpoint);
}
