using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Training;

namespace Sweep.Grains.Training;

/// <summary>The training a trial grain drives; runs on the calling (thread-pool) thread.</summary>
public interface ITrialTrainer
{
    /// <summary>Trains <paramref name="spec"/> from scratch, or from <paramref name="checkpoint"/> when given.</summary>
    /// <param name="started">Called once with the step training starts from (0 for a fresh run).</param>
    TrainingResult Train(TrialSpec spec, DatasetPair data, byte[]? checkpoint, Action<int> started, TrainingCallbacks callbacks, CancellationToken cancellationToken);
}
