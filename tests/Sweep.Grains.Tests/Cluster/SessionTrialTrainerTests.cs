using Sweep.Model.Training;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Cluster;

public sealed class SessionTrialTrainerTests
{
    [Fact]
    public void AnUnusableCheckpoint_RestartsFromStepZero_AndEndsAsAFreshRun()
    {
        var spec = TestSweeps.Create("trainer", seeds: 1, TestSweeps.Settings(steps: 30, checkpointEvery: 10)).Trials[0];
        var data = Sweep.Model.Data.DatasetLoader.Load(spec.Dataset.ToSource(), Path.GetTempPath());
        var trainer = new SessionTrialTrainer();
        var fresh = trainer.Train(spec, data, null, null, _ => { }, new TrainingCallbacks(), TestContext.Current.CancellationToken);
        var startedAt = -1;

        var fromGarbage = trainer.Train(spec, data, [1, 2, 3, 4, 5], null, s => startedAt = s, new TrainingCallbacks(), TestContext.Current.CancellationToken);

        Assert.Equal(0, startedAt);
        Assert.Equal(fresh.Curve, fromGarbage.Curve);
        Assert.Equal(fresh.TestPredictions!.Probabilities, fromGarbage.TestPredictions!.Probabilities);
    }

    [Fact]
    public void ACheckpoint_ResumesAtItsStep_AndEndsBitForBitAsAnUninterruptedRun()
    {
        var spec = TestSweeps.Create("trainer", seeds: 1, TestSweeps.Settings(steps: 30, checkpointEvery: 10)).Trials[1];
        var data = Sweep.Model.Data.DatasetLoader.Load(spec.Dataset.ToSource(), Path.GetTempPath());
        var trainer = new SessionTrialTrainer();
        var checkpoints = new List<(int Step, byte[] Data)>();
        var full = trainer.Train(spec, data, null, null, _ => { }, new TrainingCallbacks { Checkpoint = (s, b) => checkpoints.Add((s, b)) }, TestContext.Current.CancellationToken);
        var middle = checkpoints.First(c => c.Step > 0 && c.Step < spec.Training.Steps);
        var startedAt = -1;

        var resumed = trainer.Train(spec, data, middle.Data, null, s => startedAt = s, new TrainingCallbacks(), TestContext.Current.CancellationToken);

        Assert.Equal(middle.Step, startedAt);
        Assert.Equal(full.Curve, resumed.Curve);
        Assert.Equal(full.TestPredictions!.Probabilities, resumed.TestPredictions!.Probabilities);
    }

    [Fact]
    public void AutoCheckpoints_FallEveryDefaultIntervalOfTheNetwork_AndAtTheEnd()
    {
        var settings = TestSweeps.Settings(steps: 1, checkpointEvery: TrainingSettings.AutoCheckpointEvery);
        var probe = TestSweeps.Create("trainer", seeds: 1, settings).Trials[0];
        var data = Sweep.Model.Data.DatasetLoader.Load(probe.Dataset.ToSource(), Path.GetTempPath());
        var interval = CheckpointInterval.Default(TrialArchitecture.Parse(probe), data.Train.Shape, data.Train.Classes, settings.BatchSize);
        var spec = TestSweeps.Create("trainer", seeds: 1, settings with { Steps = interval + 5 }).Trials[0];
        var steps = new List<int>();

        new SessionTrialTrainer().Train(spec, data, null, null, _ => { }, new TrainingCallbacks { Checkpoint = (s, _) => steps.Add(s) }, TestContext.Current.CancellationToken);

        // A dense network holds much state beside its compute: it checkpoints less often than every 500 steps.
        Assert.True(interval > CheckpointInterval.Minimum, $"interval {interval}");
        Assert.Equal([interval, interval + 5], steps);
    }
}
