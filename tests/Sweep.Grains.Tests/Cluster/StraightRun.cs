using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>The result a trial must have however it got there: the same trial trained straight through, in-process.</summary>
public static class StraightRun
{
    public static async Task AssertStoredResultIsBitForBitAsync(SweepTestCluster cluster, TrialSpec spec)
    {
        var stored = await cluster.Store.GetResultAsync(spec.TrialId, TestContext.Current.CancellationToken);
        var data = DatasetLoader.Load(spec.Dataset.ToSource(), cluster.StoreDirectory);
        var straight = new SessionTrialTrainer().Train(spec, data, null, null, _ => { }, new TrainingCallbacks(), CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(TrialStatus.Completed, stored.Row.Status);
        Assert.Equal(straight.Steps, stored.Row.Steps);
        Assert.Equal(straight.Curve, stored.Curve);
        Assert.Equal(straight.Test!.Accuracy, stored.Row.TestAccuracy);
        Assert.Equal(straight.Dev!.Accuracy, stored.Row.DevAccuracy);
        Assert.Equal(straight.TestPredictions!.Probabilities, stored.TestPredictions!.Probabilities);
    }

    /// <summary>
    /// A pruned trial's result must be the trial trained straight to its rung and concluded there: the curve up to
    /// the rung and the metrics of the weights at it.
    /// </summary>
    public static async Task AssertPrunedResultIsBitForBitAsync(SweepTestCluster cluster, TrialSpec spec, int rungStep)
    {
        var stored = await cluster.Store.GetResultAsync(spec.TrialId, TestContext.Current.CancellationToken);
        var data = DatasetLoader.Load(spec.Dataset.ToSource(), cluster.StoreDirectory);
        var trainer = new SessionTrialTrainer();
        byte[]? atRung = null;
        var paused = trainer.Train(spec, data, null, rungStep, _ => { }, new TrainingCallbacks { Checkpoint = (_, bytes) => atRung = bytes }, CancellationToken.None);
        Assert.Equal(TrialOutcome.Paused, paused.Outcome);
        var concluded = trainer.Conclude(spec, data, atRung!);
        Assert.NotNull(stored);
        Assert.Equal(TrialStatus.Pruned, stored.Row.Status);
        Assert.Equal(rungStep, stored.Row.Steps);
        Assert.Equal(paused.Curve, stored.Curve);
        Assert.Equal(concluded.Test!.Accuracy, stored.Row.TestAccuracy);
        Assert.Equal(concluded.TestPredictions!.Probabilities, stored.TestPredictions!.Probabilities);
    }

    /// <summary>The dev accuracy of the trial trained straight through, at each of <paramref name="steps"/>.</summary>
    public static IReadOnlyList<double> DevAccuracyAt(SweepTestCluster cluster, TrialSpec spec, IReadOnlyList<int> steps)
    {
        var data = DatasetLoader.Load(spec.Dataset.ToSource(), cluster.StoreDirectory);
        var curve = new SessionTrialTrainer().Train(spec, data, null, null, _ => { }, new TrainingCallbacks(), CancellationToken.None).Curve;
        return [.. steps.Select(step => curve.Single(p => p.Step == step).DevAccuracy)];
    }
}
