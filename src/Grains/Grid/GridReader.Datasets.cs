using System.Collections.Immutable;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Model.Data;

namespace Sweep.Grains.Grid;

/// <summary>The <c>datasets</c> array: catalog names, synthetic generators and file sets.</summary>
internal sealed partial class GridReader
{
    private ImmutableArray<GridDataset> ReadDatasets(Dictionary<string, JsonElement> fields, TrainingSettings training)
    {
        if (Required(fields, "datasets", "$", "a non-empty array of datasets") is not { } element
            || !NonEmptyArray(element, "$.datasets", "datasets (catalog names, synthetic generators or objects)"))
        {
            return [];
        }

        var datasets = ImmutableArray.CreateBuilder<GridDataset>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var path = $"$.datasets[{index++}]";
            if (ReadDataset(item, path, training) is not { } dataset)
            {
                continue;
            }

            if (seen.TryGetValue(dataset.Ref.Name, out var firstPath))
            {
                Error(path, $"duplicate dataset name '{dataset.Ref.Name}' (also {firstPath}); names must be unique because they are part of trial ids");
                continue;
            }

            seen[dataset.Ref.Name] = path;
            CheckDevSplitFits(dataset, path);
            datasets.Add(dataset);
        }

        return datasets.ToImmutable();
    }

    private GridDataset? ReadDataset(JsonElement element, string path, TrainingSettings training)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!;
            if (GridNames.CatalogDatasets.Contains(text))
            {
                return new GridDataset(new DatasetRef(text, DatasetKind.Catalog), training);
            }

            if (SyntheticDatasets.GeneratorNames.Contains(text))
            {
                var source = SyntheticDatasets.WithDefaults(new SyntheticDatasetSource(text, text, 0, 0, 0, DefaultSyntheticSeed));
                return new GridDataset(SyntheticRef(source), training);
            }

            Error(
                path,
                $"unknown dataset '{text}'{GridNames.Suggestion(text, GridNames.CatalogDatasets.Concat(SyntheticDatasets.GeneratorNames))}; a dataset is a catalog name ({string.Join(", ", GridNames.CatalogDatasets)}), a synthetic generator ({string.Join(", ", SyntheticDatasets.GeneratorNames)}), or an object {{\"name\", \"format\", \"path\"}} or {{\"name\", \"synthetic\", …}}");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected a dataset name or object; found {Found(element)}");
            return null;
        }

        var fields = Fields(element, path, GridNames.DatasetFields);
        var name = Required(fields, "name", path, "the dataset name") is { } nameElement
            ? ReadName(nameElement, path + ".name", "dataset name")
            : null;
        var effective = fields.TryGetValue("training", out var trainingElement)
            ? ReadTraining(trainingElement, path + ".training", training, isOverride: true)
            : training;
        var isSynthetic = fields.ContainsKey("synthetic");
        var isFiles = fields.ContainsKey("format") || fields.ContainsKey("path");
        if (isSynthetic && isFiles)
        {
            Error(path, "a dataset is either synthetic (\"synthetic\") or files (\"format\" and \"path\"), not both");
            return null;
        }

        DatasetRef? reference;
        if (isSynthetic)
        {
            reference = ReadSynthetic(fields, path, name);
        }
        else
        {
            foreach (var syntheticOnly in new[] { "trainSize", "testSize", "imageSize", "seed" }.Where(fields.ContainsKey))
            {
                Error($"{path}.{syntheticOnly}", $"'{syntheticOnly}' applies only to synthetic datasets (add \"synthetic\": one of {string.Join(", ", SyntheticDatasets.GeneratorNames)})");
            }

            reference = isFiles ? ReadFiles(fields, path, name) : CatalogRef(name, path);
        }

        return reference is null ? null : new GridDataset(reference, effective);
    }

    private DatasetRef? CatalogRef(string? name, string path)
    {
        if (name is null)
        {
            return null;
        }

        if (!GridNames.CatalogDatasets.Contains(name))
        {
            Error(
                path + ".name",
                $"'{name}' is not a catalog dataset ({string.Join(", ", GridNames.CatalogDatasets)}){GridNames.Suggestion(name, GridNames.CatalogDatasets)}; for your own files add \"format\" and \"path\", for generated data add \"synthetic\"");
            return null;
        }

        return new DatasetRef(name, DatasetKind.Catalog);
    }

    private DatasetRef? ReadSynthetic(Dictionary<string, JsonElement> fields, string path, string? name)
    {
        var generatorElement = fields["synthetic"];
        string? generator = null;
        if (generatorElement.ValueKind != JsonValueKind.String)
        {
            Error(path + ".synthetic", $"expected a generator name ({string.Join(", ", SyntheticDatasets.GeneratorNames)}); found {Found(generatorElement)}");
        }
        else if (!SyntheticDatasets.GeneratorNames.Contains(generatorElement.GetString()!))
        {
            var text = generatorElement.GetString()!;
            Error(path + ".synthetic", $"unknown generator '{text}'{GridNames.Suggestion(text, SyntheticDatasets.GeneratorNames)}; allowed: {string.Join(", ", SyntheticDatasets.GeneratorNames)}");
        }
        else
        {
            generator = generatorElement.GetString()!;
        }

        // Absent sizes are 0, which the generator replaces by its own default; the generator also owns the
        // allowed ranges. Each given size is checked on its own first so that a problem is reported at its field.
        var trainSize = OptionalInt(fields, "trainSize", path, 1, int.MaxValue, 0);
        var testSize = OptionalInt(fields, "testSize", path, 1, int.MaxValue, 0);
        var imageSize = OptionalInt(fields, "imageSize", path, 1, int.MaxValue, 0);
        var seed = OptionalInt(fields, "seed", path, 0, int.MaxValue, DefaultSyntheticSeed);
        if (name is null || generator is null)
        {
            return null;
        }

        var valid = CheckSyntheticField(fields, path, "trainSize", new SyntheticDatasetSource(name, generator, trainSize, 0, 0, seed))
            & CheckSyntheticField(fields, path, "testSize", new SyntheticDatasetSource(name, generator, 0, testSize, 0, seed))
            & CheckSyntheticField(fields, path, "imageSize", new SyntheticDatasetSource(name, generator, 0, 0, imageSize, seed));
        if (!valid)
        {
            return null;
        }

        try
        {
            return SyntheticRef(SyntheticDatasets.WithDefaults(new SyntheticDatasetSource(name, generator, trainSize, testSize, imageSize, seed)));
        }
        catch (DatasetException e)
        {
            Error(path, $"not a dataset the {generator} generator can make: {e.Message}");
            return null;
        }
    }

    private bool CheckSyntheticField(Dictionary<string, JsonElement> fields, string path, string field, SyntheticDatasetSource source)
    {
        if (!fields.ContainsKey(field))
        {
            return true;
        }

        try
        {
            SyntheticDatasets.WithDefaults(source);
            return true;
        }
        catch (DatasetException e)
        {
            Error($"{path}.{field}", $"not a size the {source.Generator} generator accepts: {e.Message}");
            return false;
        }
    }

    private DatasetRef? ReadFiles(Dictionary<string, JsonElement> fields, string path, string? name)
    {
        DatasetFormat? format = null;
        if (Required(fields, "format", path, $"the file format ({string.Join(", ", GridNames.Formats)})") is { } formatElement
            && ReadKeyword(formatElement, path + ".format", "format", GridNames.Formats) is { } formatText)
        {
            format = formatText switch
            {
                "mnist" => DatasetFormat.Mnist,
                "cifar10" => DatasetFormat.Cifar10,
                _ => DatasetFormat.Svhn,
            };
        }

        string? fullPath = null;
        if (Required(fields, "path", path, "the directory holding the dataset's files") is { } pathElement)
        {
            var text = pathElement.ValueKind == JsonValueKind.String ? pathElement.GetString()! : null;
            if (text is null || text.Length == 0 || text.Length > MaxPathLength || text.Contains('\0'))
            {
                Error(path + ".path", $"expected a directory path (absolute, relative to the grid file's directory, or starting with ~/), 1 to {MaxPathLength} characters; found {Found(pathElement)}");
            }
            else
            {
                // Relative paths are resolved here, once, so every silo and every later run reads the same files
                // whatever its working directory. "~" is the submitting user's home, as in a shell.
                if (text == "~" || text.StartsWith("~/", StringComparison.Ordinal))
                {
                    text = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + text[1..];
                }

                fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDirectory, text)));
            }
        }

        return name is null || format is null || fullPath is null
            ? null
            : new DatasetRef(name, DatasetKind.Files, format, fullPath);
    }

    private static DatasetRef SyntheticRef(SyntheticDatasetSource source) =>
        new(source.Name, DatasetKind.Synthetic, Generator: source.Generator, TrainSize: source.TrainSize, TestSize: source.TestSize, ImageSize: source.ImageSize, Seed: source.Seed);

    private void CheckDevSplitFits(GridDataset dataset, string path)
    {
        var devSize = dataset.Training.DevSize;
        int? trainImages = dataset.Ref.Kind switch
        {
            DatasetKind.Synthetic => dataset.Ref.TrainSize,
            DatasetKind.Catalog when CatalogFacts.TryGetValue(dataset.Ref.Name, out var facts) => facts.TrainImages,
            _ => null,
        };
        // An invalid devSize is already reported; the default that stood in for it is not a second problem.
        if (trainImages is { } images && devSize >= images && !_errors.Any(e => e.Path.EndsWith(".devSize", StringComparison.Ordinal)))
        {
            Error(path, $"the dev split of {devSize} images (training.devSize) leaves nothing to train on: '{dataset.Ref.Name}' has {images} training images; make devSize smaller than {images}");
        }
    }
}
