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
}
