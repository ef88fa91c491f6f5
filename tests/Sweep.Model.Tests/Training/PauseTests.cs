using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Model.Tests.Training;

/// <summary>Pausing at a step (a search rung) and resuming from the checkpoint made there.</summary>
public sealed class PauseTests
{
    private static readonly DatasetPair Data = PatternData.Create(new ImageShape(1, 8, 8), 300, 50, seed: 5);
    private static readonly ArchitectureSpec Architecture = ArchitectureSpec.Parse("conv2k3s1p1-dense8");

    private static TrainingOptions Options(int steps) =>
        new() { Seed = 11, BatchSize = 8, Steps = steps, EvalEvery = 4, DevSize = 50, CheckpointEvery = 6 };

    [Fact]
    public void RunPausedAtTwoRungsAndResumed_EndsBitForBitAsOneRunStraightThrough()
    {
        var straight = TrainingSession.Create(Architecture, Options(20), Data);
        var expected = straight.Run(null, CancellationToken.None);

        var checkpoints = new Dictionary<int, byte[]>();
        var callbacks = new TrainingCallbacks { Checkpoint = (step, bytes) => checkpoints[step] = bytes };
        var first = TrainingSession.Create(Architecture, Options(20), Data).Run(callbacks, CancellationToken.None, stopAt: 8);
        Assert.Equal(TrialOutcome.Paused, first.Outcome);
        Assert.Equal(8, first.Steps);
        Assert.Null(first.Test);
        Assert.Equal(8, first.Curve[^1].Step);
        Assert.False(double.IsNaN(first.Curve[^1].DevAccuracy));
        var second = TrainingSession.Resume(checkpoints[8], Data).Run(callbacks, CancellationToken.None, stopAt: 16);
        Assert.Equal(TrialOutcome.Paused, second.Outcome);
        var resumed = TrainingSession.Resume(checkpoints[16], Data);
        var last = resumed.Run(callbacks, CancellationToken.None);

        Assert.Equal(TrialOutcome.Completed, last.Outcome);
        Assert.Equal(expected.Curve, last.Curve);
        Assert.Equal(expected.Test!.Accuracy, last.Test!.Accuracy);
        Assert.Equal(expected.TestPredictions!.Probabilities, last.TestPredictions!.Probabilities);
        Assert.Equal(straight.CreateCheckpoint(), resumed.CreateCheckpoint());
        // The rung checkpoints hold the same state as a straight run's at those steps (the curve up to there).
        Assert.Equal(expected.Curve.Take(8), TrainingSession.ReadCurve(checkpoints[8]));
    }

    [Fact]
    public void RunResumedAtItsStopStep_PausesAtOnceWithoutANewCheckpoint()
    {
        var checkpoints = new Dictionary<int, byte[]>();
        TrainingSession.Create(Architecture, Options(20), Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, bytes) => checkpoints[step] = bytes }, CancellationToken.None, stopAt: 8);
        var again = new List<int>();
        var result = TrainingSession.Resume(checkpoints[8], Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, _) => again.Add(step) }, CancellationToken.None, stopAt: 8);
        Assert.Equal(TrialOutcome.Paused, result.Outcome);
        Assert.Equal(8, result.Steps);
        Assert.Empty(again);
        Assert.Equal(TrainingSession.ReadCurve(checkpoints[8]), result.Curve);
    }

    [Fact]
    public void Conclude_AtARung_GivesTheMetricsOfARunThatEndedThere()
    {
        var checkpoints = new Dictionary<int, byte[]>();
        TrainingSession.Create(Architecture, Options(20), Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, bytes) => checkpoints[step] = bytes }, CancellationToken.None, stopAt: 12);
        var concluded = TrainingSession.Resume(checkpoints[12], Data).Conclude();
        var shortRun = TrainingSession.Create(Architecture, Options(12), Data).Run(null, CancellationToken.None);

        Assert.Equal(TrialOutcome.Completed, concluded.Outcome);
        Assert.Equal(12, concluded.Steps);
        Assert.Equal(shortRun.Test!.Accuracy, concluded.Test!.Accuracy);
        Assert.Equal(shortRun.Test.WeightedF1, concluded.Test.WeightedF1);
        Assert.Equal(shortRun.TestPredictions!.Probabilities, concluded.TestPredictions!.Probabilities);
        Assert.Equal(shortRun.Dev!.Accuracy, concluded.Dev!.Accuracy);
    }

    [Fact]
    public void EarlyStopBeforeTheRung_EndsTheRunCompleted()
    {
        // Patience 1 with a huge MinDelta: the second evaluation (step 8) does not improve, so the run stops there.
        var options = Options(20) with { Patience = 1, MinDelta = 2.0 };
        var result = TrainingSession.Create(Architecture, options, Data).Run(null, CancellationToken.None, stopAt: 16);
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.True(result.Steps < 16, $"stopped at {result.Steps}");
        Assert.NotNull(result.Test);
    }
}
