using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Model.Tests.Training;

public sealed class TrainingSessionTests
{
    private static readonly DatasetPair Data = PatternData.Create(new ImageShape(2, 10, 10), 600, 200, seed: 1);

    private static readonly TrainingOptions Small = new()
    {
        LearningRate = 3e-3,
        Seed = 42,
        BatchSize = 16,
        Steps = 40,
        EvalEvery = 10,
        DevSize = 100,
        CheckpointEvery = 0,
    };

    private static readonly ArchitectureSpec Cnn2Like = ArchitectureSpec.Parse("conv4k3s1p1-pool2s2-conv3k3s1p1-dense16");

    [Fact]
    public void ResumeFromCheckpoint_GivesTheSameBitsAsAnUninterruptedRun()
    {
        var options = Small with { CheckpointEvery = 20 };
        byte[]? halfway = null;
        var whole = TrainingSession.Create(Cnn2Like, options, Data);
        var uninterrupted = whole.Run(new TrainingCallbacks { Checkpoint = (step, bytes) => halfway = step == 20 ? bytes : halfway }, CancellationToken.None);
        Assert.NotNull(halfway);

        var resumed = TrainingSession.Resume(halfway, Data);
        Assert.Equal(20, resumed.Step);
        var continued = resumed.Run(null, CancellationToken.None);

        Assert.Equal(TrialOutcome.Completed, continued.Outcome);
        Assert.Equal(40, continued.Steps);
        Assert.Equal(whole.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(uninterrupted.Curve, continued.Curve);
        Assert.Equal(uninterrupted.TestPredictions!.Probabilities, continued.TestPredictions!.Probabilities);
        Assert.Equal(uninterrupted.Test!.Accuracy, continued.Test!.Accuracy);
        Assert.Equal(uninterrupted.Dev!.WeightedF1, continued.Dev!.WeightedF1);
        Assert.Equal(uninterrupted.Train!.Accuracy, continued.Train!.Accuracy);
    }

    [Fact]
    public void CancelledRun_ReturnsCancelled_AndResumesToTheSameBits()
    {
        var reference = TrainingSession.Create(Cnn2Like, Small, Data);
        reference.Run(null, CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        byte[]? last = null;
        var session = TrainingSession.Create(Cnn2Like, Small, Data);
        var callbacks = new TrainingCallbacks
        {
            ProgressEvery = 1,
            Progress = p =>
            {
                if (p.Step == 13)
                {
                    cancel.Cancel();
                }
            },
            Checkpoint = (_, bytes) => last = bytes,
        };
        var result = session.Run(callbacks, cancel.Token);
        Assert.Equal(TrialOutcome.Cancelled, result.Outcome);
        Assert.Equal(13, result.Steps);
        Assert.Null(result.Test);
        Assert.NotNull(last);

        var resumed = TrainingSession.Resume(last, Data);
        Assert.Equal(TrialOutcome.Completed, resumed.Run(null, CancellationToken.None).Outcome);
        Assert.Equal(reference.Parameters.ToArray(), resumed.Parameters.ToArray());
    }

    [Fact]
    public void TwoRunsWithTheSameSeed_GiveTheSameBits_AndAnotherSeedDiffers()
    {
        var a = TrainingSession.Create(Cnn2Like, Small, Data);
        var b = TrainingSession.Create(Cnn2Like, Small, Data);
        var c = TrainingSession.Create(Cnn2Like, Small with { Seed = 43 }, Data);
        var ra = a.Run(null, CancellationToken.None);
        var rb = b.Run(null, CancellationToken.None);
        c.Run(null, CancellationToken.None);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.Equal(ra.Curve, rb.Curve);
        Assert.Equal(a.CreateCheckpoint(), b.CreateCheckpoint());
        Assert.NotEqual(a.Parameters.ToArray(), c.Parameters.ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SeveralThreads_GiveTheSameBitsAsOneThread(int threads)
    {
        var one = TrainingSession.Create(Cnn2Like, Small with { Steps = 15 }, Data);
        var many = TrainingSession.Create(Cnn2Like, Small with { Steps = 15, Threads = threads }, Data);
        var r1 = one.Run(null, CancellationToken.None);
        var rn = many.Run(null, CancellationToken.None);
        Assert.Equal(one.Parameters.ToArray(), many.Parameters.ToArray());
        Assert.Equal(r1.Curve, rn.Curve);
    }

    [Fact]
    public void ThreadsChangedBetweenSteps_GiveTheSameBitsAsOneThread()
    {
        // A trial takes idle cores, and gives them back, mid-run: the count changes between steps, beyond the
        // machine's cores too (clamped).
        int[] schedule = [1, 2, 4, 1, 3, 2, 64, 1];
        var asked = 0;
        var one = TrainingSession.Create(Cnn2Like, Small with { Steps = 15 }, Data);
        var varying = TrainingSession.Create(Cnn2Like, Small with { Steps = 15 }, Data);
        var r1 = one.Run(null, CancellationToken.None);
        var rv = varying.Run(new TrainingCallbacks { Threads = () => schedule[asked++ % schedule.Length] }, CancellationToken.None);
        Assert.Equal(15, asked);
        Assert.Equal(one.Parameters.ToArray(), varying.Parameters.ToArray());
        Assert.Equal(r1.Curve, rv.Curve);
        Assert.Equal(r1.Test!.Accuracy, rv.Test!.Accuracy);
        Assert.Equal(one.CreateCheckpoint(), varying.CreateCheckpoint());
    }

    [Fact]
    public void HugeLearningRate_EndsAsDiverged_WithTheLastGoodMetrics()
    {
        var session = TrainingSession.Create(ArchitectureSpec.Parse("dense32-dense32"), Small with { LearningRate = 1e30, Steps = 50 }, Data);
        var result = session.Run(null, CancellationToken.None);
        Assert.Equal(TrialOutcome.Diverged, result.Outcome);
        Assert.True(result.Steps < 50, $"diverged after {result.Steps} steps");
        Assert.All(result.Curve, p => Assert.True(double.IsFinite(p.BatchCost)));
        Assert.NotNull(result.Test);
        Assert.True(double.IsFinite(result.Test.Accuracy));
        Assert.All(result.TestPredictions!.Probabilities, p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void DivergedRun_ResumedFromACheckpoint_ReportsTheSameLastGoodMetrics()
    {
        var options = Small with { LearningRate = 1e30, Steps = 50, EvalEvery = 1, CheckpointEvery = 1 };
        var arch = ArchitectureSpec.Parse("dense32-dense32");
        byte[]? first = null;
        var uninterrupted = TrainingSession.Create(arch, options, Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, bytes) => first ??= bytes }, CancellationToken.None);
        Assert.Equal(TrialOutcome.Diverged, uninterrupted.Outcome);
        Assert.NotNull(first);

        var resumed = TrainingSession.Resume(first, Data).Run(null, CancellationToken.None);
        Assert.Equal(TrialOutcome.Diverged, resumed.Outcome);
        Assert.Equal(uninterrupted.Steps, resumed.Steps);
        Assert.Equal(uninterrupted.Curve, resumed.Curve);
        Assert.Equal(uninterrupted.TestPredictions!.Probabilities, resumed.TestPredictions!.Probabilities);
    }

    [Fact]
    public void Curve_RecordsEveryStep_WithDevAccuracyOnlyAtEvaluations()
    {
        var progress = new List<TrainingProgress>();
        var result = TrainingSession.Create(Cnn2Like, Small with { Steps = 25 }, Data)
            .Run(new TrainingCallbacks { ProgressEvery = 5, Progress = progress.Add }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 25), result.Curve.Select(p => p.Step));
        Assert.Equal([10, 20, 25], result.Curve.Where(p => !double.IsNaN(p.DevAccuracy)).Select(p => p.Step));
        Assert.Equal([5, 10, 15, 20, 25], progress.Select(p => p.Step));
        Assert.Equal(result.Curve[^1].DevAccuracy, progress[^1].LastDevAccuracy);
        Assert.Equal(result.Curve[^1].DevAccuracy, result.Dev!.Accuracy);
        Assert.Equal(100, result.Dev.Count);
        Assert.Equal(500, result.Train!.Count);
        Assert.Equal(200, result.Test!.Count);
    }

    [Fact]
    public void Patience_StopsWhenDevAccuracyStopsImproving()
    {
        // MinDelta 1 is an improvement no accuracy can make, so only the first evaluation counts as one.
        var result = TrainingSession.Create(Cnn2Like, Small with { Patience = 2, MinDelta = 1.0, Steps = 100 }, Data)
            .Run(null, CancellationToken.None);
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(30, result.Steps);
    }

    [Fact]
    public void CheckpointCallback_FiresEveryIntervalAndAtTheEnd()
    {
        var steps = new List<int>();
        TrainingSession.Create(Cnn2Like, Small with { Steps = 25, CheckpointEvery = 10 }, Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, _) => steps.Add(step) }, CancellationToken.None);
        Assert.Equal([10, 20, 25], steps);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void FinalCheckpointCallback_TakesTheEndOfACompletedRun_AllStepsOrAnEarlyStop(int patience)
    {
        var options = Small with { Steps = 100, CheckpointEvery = 10, Patience = patience, MinDelta = 1.0 };
        var plain = new List<(int Step, byte[] Bytes)>();
        TrainingSession.Create(Cnn2Like, options, Data).Run(new TrainingCallbacks { Checkpoint = (s, b) => plain.Add((s, b)) }, CancellationToken.None);
        var periodic = new List<int>();
        var final = new List<(int Step, byte[] Bytes)>();

        var result = TrainingSession.Create(Cnn2Like, options, Data).Run(
            new TrainingCallbacks { Checkpoint = (s, _) => periodic.Add(s), FinalCheckpoint = (s, b) => final.Add((s, b)) }, CancellationToken.None);

        // All 100 steps, or an early stop at 30 (only the first evaluation counts as an improvement).
        Assert.Equal(patience == 0 ? 100 : 30, result.Steps);
        Assert.Equal(plain.Select(c => c.Step).SkipLast(1), periodic);
        var (step, bytes) = Assert.Single(final);
        Assert.Equal(result.Steps, step);
        Assert.Equal(plain[^1].Bytes, bytes);
    }

    [Fact]
    public void FinalCheckpointCallback_IsNotUsedByAPausedOrCancelledRun()
    {
        var options = Small with { Steps = 100, CheckpointEvery = 0 };
        var raised = new List<string>();
        var callbacks = new TrainingCallbacks { Checkpoint = (s, _) => raised.Add($"checkpoint {s}"), FinalCheckpoint = (s, _) => raised.Add($"final {s}") };
        var session = TrainingSession.Create(Cnn2Like, options, Data);

        var paused = session.Run(callbacks, CancellationToken.None, stopAt: 20);
        var cancelled = session.Run(callbacks, new CancellationToken(canceled: true));

        Assert.Equal((TrialOutcome.Paused, TrialOutcome.Cancelled), (paused.Outcome, cancelled.Outcome));
        Assert.Equal(["checkpoint 20", "checkpoint 20"], raised);
    }

    [Fact]
    public void ConvolutionalNetwork_LearnsThePatternSet_ToNinetyPercentIn300Steps()
    {
        var data = PatternData.Create(new ImageShape(1, 12, 12), 2000, 400, seed: 5);
        var options = new TrainingOptions { LearningRate = 3e-3, Seed = 1, BatchSize = 32, Steps = 300, EvalEvery = 100, DevSize = 200 };
        var result = TrainingSession.Create(ArchitectureSpec.Parse("conv8k3s1p1-pool2s2-dense32"), options, data).Run(null, CancellationToken.None);
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.True(result.Test!.Accuracy >= 0.9, $"test accuracy {result.Test.Accuracy}");
        Assert.True(result.Curve[^1].DevAccuracy >= 0.9, $"dev accuracy {result.Curve[^1].DevAccuracy}");
    }

    [Fact]
    public void WithoutADevSplit_TrainsAndReportsNoDevMetrics()
    {
        var result = TrainingSession.Create(Cnn2Like, Small with { DevSize = 0, Patience = 1 }, Data).Run(null, CancellationToken.None);
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(40, result.Steps);
        Assert.Null(result.Dev);
        Assert.Null(result.DevPredictions);
        Assert.All(result.Curve, p => Assert.True(double.IsNaN(p.DevAccuracy)));
        Assert.Equal(600, result.Train!.Count);
    }

    [Fact]
    public void SgdWithElu_LearnsThePatternSet()
    {
        var data = PatternData.Create(new ImageShape(1, 12, 12), 2000, 400, seed: 6);
        var options = new TrainingOptions
        {
            LearningRate = 0.05,
            Optimizer = OptimizerKind.Sgd,
            Activation = Activation.Elu,
            Seed = 2,
            BatchSize = 32,
            Steps = 400,
            EvalEvery = 200,
            DevSize = 200,
        };
        var result = TrainingSession.Create(ArchitectureSpec.Parse("conv8k3s1p1-pool2s2-dense32"), options, data).Run(null, CancellationToken.None);
        Assert.True(result.Test!.Accuracy >= 0.85, $"test accuracy {result.Test.Accuracy}");
    }

    [Fact]
    public void Create_RejectsInvalidOptions_NamingTheField()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingSession.Create(Cnn2Like, Small with { DevSize = 600 }, Data));
        Assert.Contains("TrainingOptions.DevSize = 600", error.Message);
        error = Assert.Throws<ArgumentException>(() => TrainingSession.Create(Cnn2Like, Small with { BatchSize = 0 }, Data));
        Assert.Contains("TrainingOptions.BatchSize = 0", error.Message);
    }
}
