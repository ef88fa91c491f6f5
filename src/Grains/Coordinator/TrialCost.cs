using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Grains.Coordinator;

/// <summary>
/// What is left of a trial's training, in floating-point operations: its network's training FLOPs per image
/// (<see cref="ArchitectureSpec.FlopsPerImage"/>) × batch × steps to go. The queue starts the costliest trials first,
/// so that a sweep does not end waiting on one long trial started last. An estimate for ordering, not a time: the
/// image shape is the dataset's nominal one (its format's, or a synthetic dataset's size), not read from the data.
/// </summary>
public static class TrialCost
{
    public static double Remaining(TrialSpec spec, int stepsDone)
    {
        var steps = Math.Max(0, spec.Training.Steps - stepsDone);
        return PerStep(spec) * steps;
    }

    private static double PerStep(TrialSpec spec)
    {
        try
        {
            var architecture = TrialArchitecture.Parse(spec);
            return (double)architecture.FlopsPerImage(NominalShape(spec.Dataset), classes: 10).Train * spec.Training.BatchSize;
        }
        catch (ArchitectureException)
        {
            // The trial will fail when it trains (the grid compiler checked the shapes it knows); order it last.
            return 0;
        }
    }

    private static ImageShape NominalShape(DatasetRef dataset) => dataset.Kind switch
    {
        DatasetKind.Synthetic => new ImageShape(3, dataset.ImageSize > 0 ? dataset.ImageSize : 16, dataset.ImageSize > 0 ? dataset.ImageSize : 16),
        _ when dataset.Format == DatasetFormat.Mnist || dataset.Name == "mnist" => new ImageShape(1, 28, 28),
        _ => new ImageShape(3, 32, 32),
    };
}
