using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Model.Data;
using Sweep.Model.Training;

namespace Sweep.Grains.Training;

/// <summary>The real trainer: a <see cref="TrainingSession"/> created from the spec or resumed from a checkpoint.</summary>
public sealed class SessionTrialTrainer : ITrialTrainer
{
    public TrainingResult Train(TrialSpec spec, DatasetPair data, byte[]? checkpoint, int? stopAt, Action<int> started, TrainingCallbacks callbacks, CancellationToken cancellationToken)
    {
        var session = Open(spec, data, checkpoint);
        started(session.Step);
        return session.Run(callbacks, cancellationToken, stopAt);
    }

    /// <summary>Unlike training, this cannot start over: a checkpoint the engine refuses is a <see cref="CheckpointException"/>.</summary>
    public TrainingResult Conclude(TrialSpec spec, DatasetPair data, byte[] checkpoint) => TrainingSession.Resume(checkpoint, data).Conclude();

    private static TrainingSession Open(TrialSpec spec, DatasetPair data, byte[]? checkpoint)
    {
        if (checkpoint is not null && TryResume(checkpoint, data) is { } resumed)
        {
            return resumed;
        }
        var architecture = TrialArchitecture.Parse(spec);
        var options = spec.Training.ToOptions(spec.LearningRate, spec.Seed, architecture, data.Train.Shape, data.Train.Classes);
        return TrainingSession.Create(architecture, options, data);
    }

    /// <summary>
    /// A checkpoint the engine refuses (say, from an older format) costs a restart from step 0, never the trial:
    /// the run is a pure function of its config, so starting over gives the same result.
    /// </summary>
    private static TrainingSession? TryResume(byte[] checkpoint, DatasetPair data)
    {
        try
        {
            return TrainingSession.Resume(checkpoint, data);
        }
        catch (CheckpointException)
        {
            return null;
        }
    }
}
