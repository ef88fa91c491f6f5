using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Grains.Grid;

/// <summary>
/// Reads a parsed grid document into a <see cref="GridSpec"/>, collecting every problem instead of stopping at the
/// first, so a user fixes a file in one round. Each problem names its JSON path, what is allowed and what was found.
/// </summary>
internal sealed partial class GridReader(string baseDirectory)
{
    private const int DefaultSyntheticTrainSize = 6000;
    private const int DefaultSyntheticTestSize = 1000;
    private const int DefaultSyntheticImageSize = 16;
    private const int DefaultSyntheticSeed = 1;
    private const int MaxPathLength = 4096;
    private const int MaxSpecLength = 1000;

    /// <summary>Training-set sizes of the catalog datasets (PAPER.md), to check the dev split fits.</summary>
    private static readonly IReadOnlyDictionary<string, (int TrainImages, ImageShape Shape)> CatalogFacts =
        new Dictionary<string, (int, ImageShape)>
        {
            ["mnist"] = (60_000, new ImageShape(1, 28, 28)),
            ["cifar10"] = (50_000, new ImageShape(3, 32, 32)),
            ["svhn"] = (73_257, new ImageShape(3, 32, 32)),
        };

    private readonly List<GridError> _errors = [];

    public IReadOnlyList<GridError> Errors => _errors;

    /// <summary>The validated grid, or null when <see cref="Errors"/> is not empty.</summary>
    public GridSpec? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("$", $"expected an object with the fields {string.Join(", ", GridNames.RootFields)}; found {Found(root)}");
            return null;
        }

        var fields = Fields(root, "$", GridNames.RootFields, RootFieldHint);
        var name = Required(fields, "name", "$", "the sweep name") is { } nameElement
            ? ReadName(nameElement, "$.name", "sweep name")
            : null;
        var training = fields.TryGetValue("training", out var trainingElement)
            ? ReadTraining(trainingElement, "$.training", new TrainingSettings(), isOverride: false)
            : new TrainingSettings();
        var datasets = ReadDatasets(fields, training);
        var filterAxis = fields.TryGetValue("filters", out var filtersElement)
            ? ReadAxis(filtersElement, "$.filters", "filter count", ReadFilterCount)
            : [];
        var learningRates = fields.TryGetValue("learningRates", out var lrElement)
            ? ReadAxis(lrElement, "$.learningRates", "learning rate", ReadLearningRate)
            : [1e-3];
        var seeds = fields.TryGetValue("seeds", out var seedsElement)
            ? ReadAxis(seedsElement, "$.seeds", "seed", (e, p) => ReadInt(e, p, 0, int.MaxValue))
            : [1];
        var architectures = ReadArchitectures(fields, filterAxis, datasets);
        var studies = fields.TryGetValue("studies", out var studiesElement)
            ? ReadStudies(studiesElement, architectures, filterAxis)
            : InferStudies(architectures, filterAxis);

        if (_errors.Count > 0 || name is null)
        {
            return null;
        }

        var spec = new GridSpec(name, datasets, architectures, filterAxis, learningRates, seeds, training, studies);
        if (spec.TrialCount > GridLimits.MaxTrials)
        {
            var conv = architectures.Count(a => a.HasConvolution);
            var dense = architectures.Length - conv;
            var archFactor = conv == 0
                ? $"{dense} architecture(s)"
                : $"({conv} convolutional architecture(s) × {architectures.First(a => a.HasConvolution).Filters.Length} filter count(s) + {dense} dense)";
            Error(
                "$",
                $"the grid expands to {spec.TrialCount} trials ({datasets.Length} dataset(s) × {archFactor} × {learningRates.Length} learning rate(s) × {seeds.Length} seed(s)); at most {GridLimits.MaxTrials} are allowed: split it into several sweeps or shorten an axis");
            return null;
        }

        return spec;
    }

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
                return new GridDataset(SyntheticRef(text, text, DefaultSyntheticTrainSize, DefaultSyntheticTestSize, DefaultSyntheticImageSize, DefaultSyntheticSeed), training);
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

        var trainSize = OptionalInt(fields, "trainSize", path, 1, GridLimits.MaxSyntheticImages, DefaultSyntheticTrainSize);
        var testSize = OptionalInt(fields, "testSize", path, 1, GridLimits.MaxSyntheticImages, DefaultSyntheticTestSize);
        var imageSize = OptionalInt(fields, "imageSize", path, GridLimits.MinSyntheticImageSize, GridLimits.MaxSyntheticImageSize, DefaultSyntheticImageSize);
        var seed = OptionalInt(fields, "seed", path, 0, int.MaxValue, DefaultSyntheticSeed);
        return name is null || generator is null ? null : SyntheticRef(name, generator, trainSize, testSize, imageSize, seed);
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
                Error(path + ".path", $"expected a directory path (absolute, or relative to the grid file's directory), 1 to {MaxPathLength} characters; found {Found(pathElement)}");
            }
            else
            {
                // Relative paths are resolved here, once, so every silo and every later run reads the same files
                // whatever its working directory.
                fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDirectory, text)));
            }
        }

        return name is null || format is null || fullPath is null
            ? null
            : new DatasetRef(name, DatasetKind.Files, format, fullPath);
    }

    private static DatasetRef SyntheticRef(string name, string generator, int trainSize, int testSize, int imageSize, int seed) =>
        new(name, DatasetKind.Synthetic, Generator: generator, TrainSize: trainSize, TestSize: testSize, ImageSize: imageSize, Seed: seed);

    private void CheckDevSplitFits(GridDataset dataset, string path)
    {
        var devSize = dataset.Training.DevSize;
        int? trainImages = dataset.Ref.Kind switch
        {
            DatasetKind.Synthetic => dataset.Ref.TrainSize,
            DatasetKind.Catalog => CatalogFacts[dataset.Ref.Name].TrainImages,
            _ => null,
        };
        if (trainImages is { } images && devSize >= images)
        {
            Error(path, $"the dev split of {devSize} images (training.devSize) leaves nothing to train on: '{dataset.Ref.Name}' has {images} training images; make devSize smaller than {images}");
        }
    }

    private ImmutableArray<GridArchitecture> ReadArchitectures(
        Dictionary<string, JsonElement> fields, ImmutableArray<int> filterAxis, ImmutableArray<GridDataset> datasets)
    {
        if (Required(fields, "architectures", "$", "a non-empty array of architectures") is not { } element
            || !NonEmptyArray(element, "$.architectures", $"architectures (presets {string.Join(", ", GridNames.Presets)} or {{\"name\", \"spec\"}} objects)"))
        {
            return [];
        }

        var architectures = ImmutableArray.CreateBuilder<GridArchitecture>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var path = $"$.architectures[{index++}]";
            if (ReadArchitecture(item, path) is not var (name, spec, specPath))
            {
                continue;
            }

            if (seen.TryGetValue(name, out var firstPath))
            {
                Error(path, $"duplicate architecture name '{name}' (also {firstPath}); names must be unique because they are part of trial ids");
                continue;
            }

            seen[name] = path;
            if (CompileArchitecture(name, spec, specPath, filterAxis, datasets) is { } architecture)
            {
                architectures.Add(architecture);
            }
        }

        return architectures.ToImmutable();
    }

    private (string Name, string Spec, string SpecPath)? ReadArchitecture(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!;
            if (GridNames.Presets.Contains(text))
            {
                return (text, text, path);
            }

            Error(path, $"unknown preset '{text}'{GridNames.Suggestion(text, GridNames.Presets)}; presets are {string.Join(", ", GridNames.Presets)}; a custom stack is an object {{\"name\": \"…\", \"spec\": \"…\"}}");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected a preset name ({string.Join(", ", GridNames.Presets)}) or an object {{\"name\", \"spec\"}}; found {Found(element)}");
            return null;
        }

        var fields = Fields(element, path, GridNames.ArchitectureFields);
        var name = Required(fields, "name", path, "the architecture name") is { } nameElement
            ? ReadName(nameElement, path + ".name", "architecture name")
            : null;
        if (name is not null && GridNames.Presets.Contains(name))
        {
            Error(path + ".name", $"'{name}' is a preset name; give the custom architecture another name, or list the preset as the string \"{name}\"");
            name = null;
        }

        string? spec = null;
        if (Required(fields, "spec", path, "the layer stack") is { } specElement)
        {
            spec = specElement.ValueKind == JsonValueKind.String ? specElement.GetString()!.Trim() : null;
            if (spec is null || spec.Length == 0 || spec.Length > MaxSpecLength)
            {
                Error(path + ".spec", $"expected a preset name or layer stack, 1 to {MaxSpecLength} characters; found {Found(specElement)}");
                spec = null;
            }
        }

        return name is null || spec is null ? null : (name, spec, path + ".spec");
    }

    /// <summary>
    /// Parses the architecture at every filter count it will run with, and checks it fits the image size of
    /// every dataset whose size is known before loading it.
    /// </summary>
    private GridArchitecture? CompileArchitecture(
        string name, string spec, string specPath, ImmutableArray<int> filterAxis, ImmutableArray<GridDataset> datasets)
    {
        ArchitectureSpec parsed;
        try
        {
            parsed = ArchitectureSpec.Parse(spec);
        }
        catch (ArchitectureException e)
        {
            Error(specPath, $"'{spec}' is not a valid architecture: {e.Message}");
            return null;
        }

        // A custom stack is kept in the engine's canonical spelling, so that specs written differently but
        // meaning the same network give the same grid hash; a preset keeps its name (its filters vary).
        var text = GridNames.Presets.Contains(spec) ? spec : parsed.Text;
        if (!parsed.HasConvolution)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
            return new GridArchitecture(name, text, HasConvolution: false, [0]);
        }

        if (filterAxis.IsEmpty)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
            return new GridArchitecture(name, text, HasConvolution: true, [FirstConvFilters(parsed)]);
        }

        var valid = true;
        foreach (var filters in filterAxis)
        {
            try
            {
                parsed = ArchitectureSpec.Parse(spec, filters);
            }
            catch (ArchitectureException e)
            {
                Error(specPath, $"'{spec}' with {filters} filters is not a valid architecture: {e.Message}");
                valid = false;
            }
        }

        if (valid)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
        }

        return valid ? new GridArchitecture(name, text, HasConvolution: true, filterAxis) : null;
    }

    private void CheckFitsDatasets(string name, ArchitectureSpec parsed, string specPath, ImmutableArray<GridDataset> datasets)
    {
        foreach (var dataset in datasets)
        {
            // Files are only read by the trial itself; their image size is unknown here. Synthetic images are
            // square; the channel count does not change which sizes fit.
            ImageShape? shape = dataset.Ref.Kind switch
            {
                DatasetKind.Catalog => CatalogFacts[dataset.Ref.Name].Shape,
                DatasetKind.Synthetic => new ImageShape(3, dataset.Ref.ImageSize, dataset.Ref.ImageSize),
                _ => null,
            };
            if (shape is not { } input)
            {
                continue;
            }

            try
            {
                parsed.Describe(input, 10);
            }
            catch (ArchitectureException e)
            {
                Error(specPath, $"architecture '{name}' cannot run on dataset '{dataset.Ref.Name}' ({input.Height}x{input.Width} images): {e.Message}");
            }
        }
    }

    /// <summary>
    /// The filter count a conv architecture runs with when the grid has no filter axis: that of its first conv
    /// layer, read from the canonical text (<c>conv{F}k{K}s{S}p{P}</c>, ArchitectureSpec).
    /// </summary>
    private static int FirstConvFilters(ArchitectureSpec parsed)
    {
        var first = FirstConvLayer().Match(parsed.Text);
        return first.Success
            ? int.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Architecture '{parsed.Text}' has a convolution but no conv layer in its text.");
    }

    private StudyPlan ReadStudies(JsonElement element, ImmutableArray<GridArchitecture> architectures, ImmutableArray<int> filterAxis)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error("$.studies", $"expected an object with {string.Join(", ", GridNames.StudyFields)}; found {Found(element)}");
            return new StudyPlan();
        }

        var fields = Fields(element, "$.studies", GridNames.StudyFields);
        var denseVsConv = fields.TryGetValue("denseVsConv", out var dvc)
            ? ReadStudyPair(dvc, "$.studies.denseVsConv", architectures, new StudyPair("dnn", "cnn"), baselineHasConvolution: false)
            : null;
        var extra = fields.TryGetValue("extraConvLayer", out var ecl)
            ? ReadStudyPair(ecl, "$.studies.extraConvLayer", architectures, new StudyPair("cnn", "cnn2"), baselineHasConvolution: true)
            : null;
        var filters = false;
        if (fields.TryGetValue("filters", out var filtersElement))
        {
            if (filtersElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error("$.studies.filters", $"expected true or false; found {Found(filtersElement)}");
            }
            else if (filtersElement.ValueKind == JsonValueKind.True)
            {
                filters = true;
                if (filterAxis.Length < 2 || !architectures.Any(a => a.HasConvolution))
                {
                    Error("$.studies.filters", $"the filter-count study needs a convolutional architecture and at least two filter counts in $.filters; the grid has {filterAxis.Length}");
                }
            }
        }

        return new StudyPlan { DenseVsConv = denseVsConv, Filters = filters, ExtraConvLayer = extra };
    }

    /// <summary>
    /// A study pair: <c>["baseline", "candidate"]</c>, <c>true</c> for the default pair, or <c>false</c> for none.
    /// </summary>
    private StudyPair? ReadStudyPair(
        JsonElement element,
        string path,
        ImmutableArray<GridArchitecture> architectures,
        StudyPair defaultPair,
        bool baselineHasConvolution)
    {
        StudyPair pair;
        var shape = $"expected [\"baseline\", \"candidate\"] (two architecture names of this grid), true (= [\"{defaultPair.Baseline}\", \"{defaultPair.Candidate}\"]) or false";
        switch (element.ValueKind)
        {
            case JsonValueKind.False:
                return null;
            case JsonValueKind.True:
                pair = defaultPair;
                break;
            case JsonValueKind.Array when element.GetArrayLength() == 2
                && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                pair = new StudyPair(element[0].GetString()!, element[1].GetString()!);
                break;
            default:
                Error(path, $"{shape}; found {Found(element)}");
                return null;
        }

        if (pair.Baseline == pair.Candidate)
        {
            Error(path, $"a study compares two different architectures; both are '{pair.Baseline}'");
            return null;
        }

        var problems = new List<string>();
        foreach (var (role, name) in new[] { ("baseline", pair.Baseline), ("candidate", pair.Candidate) })
        {
            var architecture = architectures.FirstOrDefault(a => a.Name == name);
            if (architecture is null)
            {
                problems.Add($"the {role} '{name}' is not an architecture of this grid{GridNames.Suggestion(name, architectures.Select(a => a.Name))} (the grid has {string.Join(", ", architectures.Select(a => a.Name))})");
            }
            else if (role == "candidate" && !architecture.HasConvolution)
            {
                problems.Add($"the candidate '{name}' has no convolution; this study's candidate must be convolutional");
            }
            else if (role == "baseline" && architecture.HasConvolution != baselineHasConvolution)
            {
                problems.Add(baselineHasConvolution
                    ? $"the baseline '{name}' has no convolution; the extra-conv-layer study compares two convolutional architectures"
                    : $"the baseline '{name}' has a convolution; the dense-vs-conv baseline must be a dense architecture (is the pair reversed?)");
            }
        }

        if (problems.Count > 0)
        {
            Error(path, string.Join("; ", problems));
            return null;
        }

        return pair;
    }

    /// <summary>Studies when the grid has no <c>studies</c> block (README, "Grid format").</summary>
    private static StudyPlan InferStudies(ImmutableArray<GridArchitecture> architectures, ImmutableArray<int> filterAxis)
    {
        bool Has(string name) => architectures.Any(a => a.Name == name);
        return new StudyPlan
        {
            DenseVsConv = Has("dnn") && Has("cnn") ? new StudyPair("dnn", "cnn") : null,
            Filters = filterAxis.Length >= 2 && architectures.Any(a => a.HasConvolution),
            ExtraConvLayer = Has("cnn") && Has("cnn2") ? new StudyPair("cnn", "cnn2") : null,
        };
    }

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
            CheckpointEvery = OptionalInt(fields, "checkpointEvery", path, 0, int.MaxValue, baseline.CheckpointEvery),
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

    private int? ReadFilterCount(JsonElement element, string path) => ReadInt(element, path, 1, GridLimits.MaxFilters);

    private double? ReadLearningRate(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var value)
            && double.IsFinite(value) && value > 0 && value <= GridLimits.MaxLearningRate)
        {
            return value;
        }

        Error(path, $"expected a learning rate greater than 0 and at most {GridLimits.MaxLearningRate}; found {Found(element)}");
        return null;
    }

    /// <summary>A non-empty array of distinct numbers, returned sorted ascending (an axis is a set).</summary>
    private ImmutableArray<T> ReadAxis<T>(JsonElement element, string path, string what, Func<JsonElement, string, T?> readItem)
        where T : struct, IComparable<T>
    {
        if (!NonEmptyArray(element, path, $"{what}s"))
        {
            return [];
        }

        var values = new List<T>();
        var seen = new Dictionary<T, string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (readItem(item, itemPath) is not { } value)
            {
                continue;
            }

            if (seen.TryGetValue(value, out var firstPath))
            {
                Error(itemPath, $"duplicate {what} {item.GetRawText()} (also {firstPath}); each value may appear once");
                continue;
            }

            seen[value] = itemPath;
            values.Add(value);
        }

        values.Sort();
        return [.. values];
    }

    private bool NonEmptyArray(JsonElement element, string path, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"expected an array of {what}; found {Found(element)}");
            return false;
        }

        if (element.GetArrayLength() == 0)
        {
            var hint = path == "$.filters" ? "; omit the field to use each architecture's own filter count" : string.Empty;
            Error(path, $"expected at least one of {what}; found an empty array{hint}");
            return false;
        }

        return true;
    }

    private string? ReadName(JsonElement element, string path, string what)
    {
        if (element.ValueKind == JsonValueKind.String && GridNames.IsValidName(element.GetString()!))
        {
            return element.GetString();
        }

        Error(path, $"expected a {what} of 1 to {GridLimits.MaxNameLength} characters from A-Z a-z 0-9 _ - (it becomes part of trial ids and file names); found {Found(element)}");
        return null;
    }

    private string? ReadKeyword(JsonElement element, string path, string what, IReadOnlyList<string> allowed)
    {
        if (element.ValueKind == JsonValueKind.String && allowed.Contains(element.GetString()!))
        {
            return element.GetString();
        }

        var suggestion = element.ValueKind == JsonValueKind.String ? GridNames.Suggestion(element.GetString()!, allowed) : string.Empty;
        Error(path, $"expected {what} {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}; found {Found(element)}{suggestion}");
        return null;
    }

    private int OptionalInt(Dictionary<string, JsonElement> fields, string key, string path, long min, long max, int fallback) =>
        fields.TryGetValue(key, out var element) ? ReadInt(element, $"{path}.{key}", min, max) ?? fallback : fallback;

    /// <summary>A whole number in [min, max]; 2e3 counts as whole, 2.5 does not.</summary>
    private int? ReadInt(JsonElement element, string path, long min, long max)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (element.TryGetInt64(out var whole) && whole >= min && whole <= max)
            {
                return (int)whole;
            }

            if (element.TryGetDouble(out var real) && Math.Floor(real) == real && real >= min && real <= max)
            {
                return (int)real;
            }
        }

        var upper = max == int.MaxValue ? $"{min} or more" : $"from {min} to {max}";
        Error(path, $"expected a whole number {upper}; found {Found(element)}");
        return null;
    }

    private JsonElement? Required(Dictionary<string, JsonElement> fields, string key, string path, string what)
    {
        if (fields.TryGetValue(key, out var element))
        {
            return element;
        }

        Error(path, $"missing required field '{key}' ({what})");
        return null;
    }

    /// <summary>
    /// The object's fields by name. Unknown fields (with the closest known name as a suggestion) and repeated
    /// fields are errors: a typo must never silently fall back to a default.
    /// </summary>
    private Dictionary<string, JsonElement> Fields(
        JsonElement element, string path, IReadOnlyList<string> known, Func<string, string?>? hint = null)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = Child(path, property.Name);
            if (!known.Contains(property.Name))
            {
                var help = hint?.Invoke(property.Name) ?? GridNames.Suggestion(property.Name, known);
                Error(propertyPath, $"unknown field '{property.Name}'{help}; allowed here: {string.Join(", ", known)}");
            }
            else if (!fields.TryAdd(property.Name, property.Value))
            {
                Error(propertyPath, $"field '{property.Name}' appears more than once; give it once");
            }
        }

        return fields;
    }

    /// <summary>Training fields written at the top level belong in <c>training</c>.</summary>
    private static string? RootFieldHint(string name)
    {
        if (GridNames.TrainingFields.Contains(name))
        {
            return $"; '{name}' belongs inside \"training\" ($.training.{name})";
        }

        if (GridNames.Closest(name, GridNames.RootFields) is { } root)
        {
            return $"; did you mean '{root}'?";
        }

        return GridNames.Closest(name, GridNames.TrainingFields) is { } training
            ? $"; did you mean '{training}' inside \"training\" ($.training.{training})?"
            : null;
    }

    private static string Child(string path, string name) =>
        SimpleName().IsMatch(name) ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Found(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
        JsonValueKind.Number => Shorten(element.GetRawText()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"an array of {element.GetArrayLength()}",
        _ => "an object",
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private void Error(string path, string message) => _errors.Add(new GridError(path, message));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SimpleName();

    [GeneratedRegex(@"(?:^|-)conv(\d+)k")]
    private static partial Regex FirstConvLayer();
}
