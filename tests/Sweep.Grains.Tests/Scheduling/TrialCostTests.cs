using Sweep.Grains.Contracts;
using Sweep.Grains.Coordinator;
using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Grains.Tests.Scheduling;

public sealed class TrialCostTests
{
    private static readonly DatasetRef Cifar = new("cifar10", DatasetKind.Catalog);
    private static readonly DatasetRef Mnist = new("mnist", DatasetKind.Catalog);

    private static TrialSpec Spec(string architecture, int filters, DatasetRef dataset, int steps = 1000, int batch = 128) =>
        new($"t.{architecture}.{filters}", "t", dataset, architecture, ArchitectureSpec.Parse(architecture).Text, filters, 0.001, 1,
            new TrainingSettings { Steps = steps, BatchSize = batch });

    [Fact]
    public void Cost_IsTheNetworksTrainingFlops_TimesBatchAndStepsLeft()
    {
        var spec = Spec("dnn", 0, Cifar);
        // dnn on 3×32×32: dense 3072→128 (no input gradient: 2 products), then 128→128, 128→64 and 64→10 (3 each).
        var perImage = 2.0 * 2 * 3072 * 128 + 3.0 * 2 * 128 * 128 + 3.0 * 2 * 128 * 64 + 3.0 * 2 * 64 * 10;
        Assert.Equal(perImage * 128 * 1000, TrialCost.Remaining(spec, 0));
        Assert.Equal(perImage * 128 * 250, TrialCost.Remaining(spec, 750));
        Assert.Equal(0, TrialCost.Remaining(spec, 1000));
        Assert.Equal(0, TrialCost.Remaining(spec, 5000));
    }

    [Fact]
    public void MoreFilters_LargerImages_MoreStepsAndLargerBatches_CostMore()
    {
        Assert.True(TrialCost.Remaining(Spec("cnn", 32, Cifar), 0) > TrialCost.Remaining(Spec("cnn", 3, Cifar), 0));
        Assert.True(TrialCost.Remaining(Spec("cnn", 3, Cifar), 0) > TrialCost.Remaining(Spec("cnn", 3, Mnist), 0));
        Assert.True(TrialCost.Remaining(Spec("cnn", 3, Cifar, steps: 2000), 0) > TrialCost.Remaining(Spec("cnn", 3, Cifar), 0));
        Assert.True(TrialCost.Remaining(Spec("cnn", 3, Cifar, batch: 256), 0) > TrialCost.Remaining(Spec("cnn", 3, Cifar), 0));
        Assert.True(TrialCost.Remaining(Spec("cnn", 3, Cifar), 0) > TrialCost.Remaining(Spec("dnn", 0, Cifar), 0));
    }
}
