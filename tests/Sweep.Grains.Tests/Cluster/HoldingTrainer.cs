using System.Collections.Concurrent;
using Sweep.Grains.Contracts;
using Sweep.Grains.Training;
using Sweep.Model.Data;
using Sweep.Model.Training;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>
/// The real trainer, with a gate a test can set: the first trial of a sweep to report progress at or past a step
/// holds there, on its training thread, until its attempt is cancelled (the grain stops it). A test that must act
/// on a trial while it trains (deactivate its grain, say) then cannot lose the race to a trial that ends first.
/// </summary>
public sealed class HoldingTrainer(ITrialTrainer inner) : ITrialTrainer
{
    private static readonly ConcurrentDictionary<string, Hold> Holds = new(StringComparer.Ordinal);

    /// <summary>Holds the first trial of <paramref name="sweepId"/> that reaches <paramref name="step"/>; the task gives its id once it holds.</summary>
    public static Task<string> HoldFirstAt(string sweepId, int step)
    {
        var hold = new Hold(step);
        if (!Holds.TryAdd(sweepId, hold))
        {
            throw new InvalidOperationException($"Sweep {sweepId} already has a hold.");
        }
        return hold.Held.Task;
    }

    public TrainingResult Train(TrialSpec spec, DatasetPair data, byte[]? checkpoint, int? stopAt, Action<int> started, TrainingCallbacks callbacks, CancellationToken cancellationToken)
    {
        if (!Holds.TryGetValue(spec.SweepId, out var hold))
        {
            return inner.Train(spec, data, checkpoint, stopAt, started, callbacks, cancellationToken);
        }
        var gated = new TrainingCallbacks
        {
            Checkpoint = callbacks.Checkpoint,
            ProgressEvery = callbacks.ProgressEvery,
            Threads = callbacks.Threads,
            Progress = p =>
            {
                callbacks.Progress?.Invoke(p);
                if (p.Step >= hold.Step && hold.Claim(spec.TrialId))
                {
                    cancellationToken.WaitHandle.WaitOne();
                }
            },
        };
        return inner.Train(spec, data, checkpoint, stopAt, started, gated, cancellationToken);
    }

    public TrainingResult Conclude(TrialSpec spec, DatasetPair data, byte[] checkpoint) => inner.Conclude(spec, data, checkpoint);

    private sealed class Hold(int step)
    {
        private int _claimed;

        public int Step { get; } = step;

        public TaskCompletionSource<string> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Claim(string trialId)
        {
            if (Interlocked.Exchange(ref _claimed, 1) != 0)
            {
                return false;
            }
            Held.SetResult(trialId);
            return true;
        }
    }
}
