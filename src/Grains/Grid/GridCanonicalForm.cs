using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Search;
using Sweep.Model.Training;

namespace Sweep.Grains.Grid;

/// <summary>
/// The canonical JSON of a validated grid: fixed property order, every default filled in, numeric axes sorted,
/// paths absolute, studies resolved, numbers in round-trip form, no whitespace. Two files that mean the same sweep
/// give the same bytes (and so the same hash) whatever their layout, comments or key order. The canonical JSON is
/// itself a valid grid file that compiles to the same hash.
/// </summary>
internal static class GridCanonicalForm
{
    /// <summary><c>checkpointEvery</c>'s default before <c>"auto"</c>.</summary>
    private const int FormerDefaultCheckpointEvery = 500;

    public static string Write(GridSpec grid) => Write(grid, autoCheckpointsAs: null);

    /// <summary>
    /// The canonical JSON this grid had before <c>checkpointEvery</c> could be <c>"auto"</c>, when its default
    /// was 500: null when no training block of the grid is <c>"auto"</c>. A sweep stored under that hash is the
    /// same sweep (where the checkpoints fall never changes a result), so resubmitting an unchanged grid after
    /// an upgrade resumes it instead of conflicting with it.
    /// </summary>
    public static string? WriteBeforeAutoCheckpoints(GridSpec grid) =>
        grid.Training.HasAutoCheckpoints || grid.Datasets.Any(d => d.Training.HasAutoCheckpoints)
            ? Write(grid, autoCheckpointsAs: FormerDefaultCheckpointEvery)
            : null;

    private static string Write(GridSpec grid, int? autoCheckpointsAs)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", grid.Name);
            json.WriteStartArray("datasets");
            foreach (var dataset in grid.Datasets)
            {
                WriteDataset(json, dataset, grid.Training, autoCheckpointsAs);
            }

            json.WriteEndArray();
            json.WriteStartArray("architectures");
            foreach (var architecture in grid.Architectures)
            {
                if (architecture.Name == architecture.Spec && GridNames.Presets.Contains(architecture.Name))
                {
                    // A preset (custom entries may not take a preset's name).
                    json.WriteStringValue(architecture.Name);
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("name", architecture.Name);
                json.WriteString("spec", architecture.Spec);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (grid.FilterRange is { } range)
            {
                WriteDistribution(json, "filters", range);
            }
            else if (!grid.FilterAxis.IsEmpty)
            {
                WriteNumbers(json, "filters", grid.FilterAxis, (w, f) => w.WriteNumberValue(f));
            }

            if (grid.LearningRateDistribution is { } distribution)
            {
                WriteDistribution(json, "learningRates", distribution);
            }
            else
            {
                WriteNumbers(json, "learningRates", grid.LearningRates, (w, lr) => w.WriteNumberValue(lr));
            }

            WriteNumbers(json, "seeds", grid.Seeds, (w, s) => w.WriteNumberValue(s));
            json.WritePropertyName("training");
            WriteTraining(json, grid.Training, autoCheckpointsAs);
            json.WriteStartObject("studies");
            WritePair(json, "denseVsConv", grid.Studies.DenseVsConv);
            json.WriteBoolean("filters", grid.Studies.Filters);
            WritePair(json, "extraConvLayer", grid.Studies.ExtraConvLayer);
            json.WriteEndObject();

            // Absent for a plain grid, so grids written before the field existed keep their hash.
            if (grid.Search != SearchSpec.Grid)
            {
                json.WritePropertyName("search");
                WriteSearch(json, grid.Search);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SHA-256 of the canonical JSON's UTF-8 bytes, lower-case hex.</summary>
    public static string Hash(string canonicalJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    private static void WriteDataset(Utf8JsonWriter json, GridDataset dataset, TrainingSettings gridTraining, int? autoCheckpointsAs)
    {
        var reference = dataset.Ref;
        json.WriteStartObject();
        json.WriteString("name", reference.Name);
        switch (reference.Kind)
        {
            case DatasetKind.Catalog:
                break;
            case DatasetKind.Synthetic:
                json.WriteString("synthetic", reference.Generator);
                json.WriteNumber("trainSize", reference.TrainSize);
                json.WriteNumber("testSize", reference.TestSize);
                json.WriteNumber("imageSize", reference.ImageSize);
                json.WriteNumber("seed", reference.Seed);
                break;
            default:
                json.WriteString("format", reference.Format.ToString()!.ToLowerInvariant());
                json.WriteString("path", reference.Path);
                break;
        }

        // Only a real difference is written: an override that repeats the grid's values changes nothing.
        if (dataset.Training != gridTraining)
        {
            json.WritePropertyName("training");
            WriteTraining(json, dataset.Training, autoCheckpointsAs);
        }

        json.WriteEndObject();
    }

    private static void WriteTraining(Utf8JsonWriter json, TrainingSettings training, int? autoCheckpointsAs)
    {
        json.WriteStartObject();
        json.WriteNumber("batchSize", training.BatchSize);
        json.WriteNumber("steps", training.Steps);
        json.WriteNumber("evalEvery", training.EvalEvery);
        json.WriteNumber("devSize", training.DevSize);
        if (training.Patience == 0)
        {
            json.WriteBoolean("earlyStopping", false);
        }
        else
        {
            json.WriteStartObject("earlyStopping");
            json.WriteNumber("patience", training.Patience);
            json.WriteNumber("minDelta", training.MinDelta);
            json.WriteEndObject();
        }

        if (training.HasAutoCheckpoints)
        {
            if (autoCheckpointsAs is { } steps)
            {
                json.WriteNumber("checkpointEvery", steps);
            }
            else
            {
                json.WriteString("checkpointEvery", GridNames.AutoCheckpoints);
            }
        }
        else
        {
            json.WriteNumber("checkpointEvery", training.CheckpointEvery);
        }

        json.WriteString("activation", training.Activation == Activation.Elu ? "elu" : "relu");
        json.WriteString("optimizer", training.Optimizer == OptimizerKind.Sgd ? "sgd" : "adam");
        json.WriteNumber("threads", training.Threads);
        json.WriteEndObject();
    }

    private static void WriteSearch(Utf8JsonWriter json, SearchSpec search)
    {
        json.WriteStartObject();
        if (search.Asha is { } asha)
        {
            json.WriteStartObject("asha");
            json.WriteString("metric", asha.Metric);
            json.WriteNumber("minSteps", asha.MinSteps);
            json.WriteNumber("maxSteps", asha.MaxSteps);
            json.WriteNumber("reductionFactor", asha.ReductionFactor);
            json.WriteBoolean("synchronous", asha.Synchronous);
            WriteRandom(json, search);
            json.WriteEndObject();
        }
        else
        {
            WriteRandom(json, search);
        }

        json.WriteEndObject();
    }

    private static void WriteRandom(Utf8JsonWriter json, SearchSpec search)
    {
        if (search.RandomTrials is not { } trials)
        {
            return;
        }

        json.WriteStartObject("random");
        json.WriteNumber("trials", trials);
        json.WriteNumber("seed", search.RandomSeed ?? throw new InvalidOperationException("A random search has a seed."));
        json.WriteEndObject();
    }

    private static void WriteDistribution(Utf8JsonWriter json, string name, AxisDistribution distribution)
    {
        json.WriteStartObject(name);
        json.WriteStartArray(distribution.Kind);
        if (distribution.Kind == AxisDistribution.IntRange)
        {
            json.WriteNumberValue((int)distribution.Low);
            json.WriteNumberValue((int)distribution.High);
        }
        else
        {
            json.WriteNumberValue(distribution.Low);
            json.WriteNumberValue(distribution.High);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumbers<T>(Utf8JsonWriter json, string name, IEnumerable<T> values, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            write(json, value);
        }

        json.WriteEndArray();
    }

    private static void WritePair(Utf8JsonWriter json, string name, StudyPair? pair)
    {
        if (pair is null)
        {
            json.WriteBoolean(name, false);
            return;
        }

        json.WriteStartArray(name);
        json.WriteStringValue(pair.Baseline);
        json.WriteStringValue(pair.Candidate);
        json.WriteEndArray();
    }
}
