using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Grains.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Client.Commands;

/// <summary>
/// Embedded submit: loads every dataset of the grid (into the silo's cache, so trials reuse it) and checks every
/// architecture against the loaded image size before the sweep is stored. Missing files or a network too deep
/// for the images are then one error before any trial starts, not a failed trial per grid point that a
/// resubmission would not retry. Grid validation cannot do this for file datasets: it never reads the files.
/// </summary>
internal static class SubmitPreflight
{
    public static async Task CheckAsync(SweepDefinition sweep, ISweepStore store, DatasetCache datasets, CancellationToken cancellationToken)
    {
        if (await IsFinishedAsync(sweep, store, cancellationToken))
        {
            return;
        }
        foreach (var group in sweep.Trials.GroupBy(t => t.Dataset))
        {
            var data = await datasets.GetAsync(group.Key);
            // Loading is not cancellable; a Ctrl-C during it must still stop before the sweep is stored.
            cancellationToken.ThrowIfCancellationRequested();
            var train = data.Train;
            var devSize = group.Max(t => t.Training.DevSize);
            if (devSize >= train.Count)
            {
                throw new CliException(
                    $"dataset '{group.Key.Name}' has {train.Count} training images; training.devSize {devSize} leaves none to train on: make devSize smaller than {train.Count}");
            }
            foreach (var trial in group.DistinctBy(t => (t.ArchitectureText, t.Filters)))
            {
                try
                {
                    TrialArchitecture.Parse(trial).Describe(train.Shape, train.Classes);
                }
                catch (ArchitectureException e)
                {
                    throw new CliException(
                        $"architecture '{trial.Architecture}' cannot run on dataset '{group.Key.Name}' ({train.Shape.Height}x{train.Shape.Width} images): {e.Message}");
                }
            }
        }
    }

    /// <summary>A sweep whose trials have all finished trains nothing more, so it needs no data.</summary>
    private static async Task<bool> IsFinishedAsync(SweepDefinition sweep, ISweepStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSweepAsync(sweep.SweepId, cancellationToken) is not { } existing || !sweep.HasGridOf(existing))
        {
            return false;
        }
        var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
        return sweep.Trials.All(t => statuses.TryGetValue(t.TrialId, out var s) && s.Status.IsFinished());
    }
}
