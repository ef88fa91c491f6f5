using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Model.Training;

namespace Sweep.Grains.Grid;

/// <summary>The <c>training</c> block and its per-dataset overrides.</summary>
internal sealed partial class GridReader
{
    private TrainingSettings ReadTraining(JsonElement element, string path, TrainingSettings baseline, bool isOverride)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            var what = isOverride ? "overrides of the grid's training settings" : "training settings";
            Error(path, $"expected an object of {what} ({string.Join(", ", GridNames.TrainingFields)}); found {Found(element)}");
            return baseline;
        }

        var fields = Fields(element, path, GridNames.TrainingFields);
        var (patience, minDelta) = fields.TryGetValue("earlyStopping", out var earlyStopping)
            ? ReadEarlyStopping(earlyStopping, path + ".earlyStopping", baseline)
            : (baseline.Patience, baseline.MinDelta);
        var settings = baseline with
        {
            BatchSize = OptionalInt(fields, "batchSize", path, 1, GridLimits.MaxBatchSize, baseline.BatchSize),
            Steps = OptionalInt(fields, "steps", path, 1, GridLimits.MaxSteps, baseline.Steps),
            EvalEvery = OptionalInt(fields, "evalEvery", path, 1, int.MaxValue, baseline.EvalEvery),
            DevSize = OptionalInt(fields, "devSize", path, 0, int.MaxValue, baseline.DevSize),
            Patience = patience,
            MinDelta = minDelta,
            CheckpointEvery = fields.TryGetValue("checkpointEvery", out var checkpointEvery)
                ? ReadCheckpointEvery(checkpointEvery, path + ".checkpointEvery") ?? baseline.CheckpointEvery
                : baseline.CheckpointEvery,
            Activation = fields.TryGetValue("activation", out var activation)
                && ReadKeyword(activation, path + ".activation", "activation", GridNames.Activations) is { } a
                ? (a == "elu" ? Activation.Elu : Activation.Relu)
                : baseline.Activation,
            Optimizer = fields.TryGetValue("optimizer", out var optimizer)
                && ReadKeyword(optimizer, path + ".optimizer", "optimizer", GridNames.Optimizers) is { } o
                ? (o == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam)
                : baseline.Optimizer,
            Threads = OptionalInt(fields, "threads", path, 1, GridLimits.MaxThreads, baseline.Threads),
        };
        if (settings.Patience > 0 && settings.DevSize == 0)
        {
            Error(path, $"early stopping (patience {settings.Patience}) watches the dev accuracy, but devSize is 0; set devSize above 0 or \"earlyStopping\": false");
        }

        return settings;
    }

    /// <summary>Steps between checkpoints, 0 (none while training), or <c>"auto"</c> (sized to the network).</summary>
    private int? ReadCheckpointEvery(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String && element.GetString() == GridNames.AutoCheckpoints)
        {
            return TrainingSettings.AutoCheckpointEvery;
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            return ReadInt(element, path, 0, int.MaxValue);
        }

        Error(path, $"expected \"{GridNames.AutoCheckpoints}\" (every {CheckpointInterval.Minimum} steps or more, sized to the network) or a whole number of steps, 0 or more (0 = none while training); found {Found(element)}");
        return null;
    }

    /// <summary><c>false</c> (off) or <c>{ "patience": n ≥ 1, "minDelta": d in [0, 1] }</c>.</summary>
    private (int Patience, double MinDelta) ReadEarlyStopping(JsonElement element, string path, TrainingSettings baseline)
    {
        if (element.ValueKind == JsonValueKind.False)
        {
            return (0, new TrainingSettings().MinDelta);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected false (train all steps) or an object {{\"patience\", \"minDelta\"}}; found {Found(element)}");
            return (baseline.Patience, baseline.MinDelta);
        }

        var fields = Fields(element, path, GridNames.EarlyStoppingFields);
        var patience = Required(fields, "patience", path, "the number of dev evaluations without improvement before stopping") is { } p
            ? ReadInt(p, path + ".patience", 1, int.MaxValue) ?? baseline.Patience
            : baseline.Patience;
        var minDelta = new TrainingSettings().MinDelta;
        if (fields.TryGetValue("minDelta", out var deltaElement))
        {
            if (deltaElement.ValueKind == JsonValueKind.Number && deltaElement.TryGetDouble(out var delta) && delta is >= 0 and <= 1)
            {
                minDelta = delta;
            }
            else
            {
                Error(path + ".minDelta", $"expected a dev-accuracy gain from 0 to 1; found {Found(deltaElement)}");
            }
        }

        return (patience, minDelta);
    }
}
