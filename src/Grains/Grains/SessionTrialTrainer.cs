using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Grains.Grains;

/// <summary>The real trainer: a <see cref="TrainingSession"/> created from the spec or resumed from a checkpoint.</summary>
public sealed class SessionTrialTrainer : ITrialTrainer
{
    public TrainingResult Train(TrialSpec spec, DatasetPair data, byte[]? checkpoint, Action<int> started, TrainingCallbacks callbacks, CancellationToken cancellationToken)
    {
        var session = checkpoint is null
            ? TrainingSession.Create(
                ArchitectureSpec.Parse(spec.ArchitectureText, spec.Filters > 0 ? spec.Filters : null),
                spec.Training.ToOptions(spec.LearningRate, spec.Seed),
                data)
            : TrainingSession.Resume(checkpoint, data);
        started(session.Step);
        return session.Run(callbacks, cancellationToken);
    }
}
