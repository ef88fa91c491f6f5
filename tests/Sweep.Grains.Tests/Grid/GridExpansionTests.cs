using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;
using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class GridExpansionTests
{
    [Fact]
    public void CrossProduct_CountsEveryCombination_AndDenseArchitecturesIgnoreFilters()
    {
        var definition = Compile("""
            {
              "name": "t",
              "datasets": ["mnist", "shapes"],
              "architectures": ["dnn", "cnn", "cnn2"],
              "filters": [3, 32],
              "learningRates": [0.001, 0.0003],
              "seeds": [1, 2, 3]
            }
            """);

        // 2 datasets × (dnn once + cnn × 2 filters + cnn2 × 2 filters) × 2 learning rates × 3 seeds.
        Assert.Equal(2 * (1 + 2 + 2) * 2 * 3, definition.Trials.Length);
        Assert.All(definition.Trials.Where(t => t.Architecture == "dnn"), t => Assert.Equal(0, t.Filters));
        Assert.Equal([0], definition.Trials.Where(t => t.Architecture == "dnn").Select(t => t.Filters).Distinct());
        Assert.Equal([3, 32], definition.Trials.Where(t => t.Architecture == "cnn").Select(t => t.Filters).Distinct().Order());
        Assert.Equal(definition.Trials.Length, definition.Trials.Select(t => t.TrialId).Distinct().Count());
    }

    [Fact]
    public void TrialIds_FollowTheDocumentedPattern()
    {
        var definition = Compile("""
            { "name": "sweep-1", "datasets": ["mnist"], "architectures": ["dnn", "cnn"], "filters": [32],
              "learningRates": [0.0003, 1e-05], "seeds": [7] }
            """);

        var ids = definition.Trials.Select(t => t.TrialId).ToHashSet();
        Assert.Contains("sweep-1.mnist.dnn.f0.lr0.0003.s7", ids);
        Assert.Contains("sweep-1.mnist.cnn.f32.lr1E-05.s7", ids);
        Assert.All(definition.Trials, t => Assert.Equal(
            $"{t.SweepId}.{t.Dataset.Name}.{t.Architecture}.f{t.Filters}.lr{t.LearningRate.ToString("R", CultureInfo.InvariantCulture)}.s{t.Seed}",
            t.TrialId));
        Assert.All(definition.Trials, t => Assert.Matches("^[A-Za-z0-9_.-]+$", t.TrialId));
        Assert.Equal("sweep-1", definition.SweepId);
    }

    [Fact]
    public void Trials_ComeInTheDocumentedOrder_DatasetsAndArchitecturesAsWritten_NumbersAscending()
    {
        var definition = Compile("""
            { "name": "o", "datasets": ["svhn", "mnist"], "architectures": ["cnn", "dnn"], "filters": [8, 2],
              "learningRates": [0.01, 0.001], "seeds": [5, 4] }
            """);

        var expected = new List<string>();
        foreach (var dataset in new[] { "svhn", "mnist" })
        {
            foreach (var (architecture, filters) in new[] { ("cnn", 2), ("cnn", 8), ("dnn", 0) })
            {
                foreach (var lr in new[] { "0.001", "0.01" })
                {
                    foreach (var seed in new[] { 4, 5 })
                    {
                        expected.Add($"o.{dataset}.{architecture}.f{filters}.lr{lr}.s{seed}");
                    }
                }
            }
        }

        Assert.Equal(expected, definition.Trials.Select(t => t.TrialId));
    }

    [Fact]
    public void AbsentFilterAxis_UsesEachPresetsOwnFilterCount()
    {
        var definition = Compile("""{ "name": "d", "datasets": ["mnist"], "architectures": ["dnn", "cnn", "cnn2"] }""");

        Assert.Equal(
            [("dnn", 0), ("cnn", 3), ("cnn2", 5)],
            definition.Trials.Select(t => (t.Architecture, t.Filters)));
        Assert.DoesNotContain("\"filters\":[", definition.GridJson, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomStacks_TakeTheFilterAxisOnlyWhenTheyConvolve()
    {
        var definition = Compile("""
            { "name": "c", "datasets": ["mnist"], "filters": [3, 32],
              "architectures": [ { "name": "deep", "spec": "conv16k3p1-pool2-dense128-dense64" },
                                 { "name": "mlp", "spec": "dense256-dense64" } ] }
            """);

        Assert.Equal(
            [("deep", 3), ("deep", 32), ("mlp", 0)],
            definition.Trials.Select(t => (t.Architecture, t.Filters)));
    }

    [Fact]
    public void AbsentFilterAxis_GivesACustomStackItsFirstConvLayersCount()
    {
        var trial = Assert.Single(Compile("""
            { "name": "c", "datasets": ["mnist"], "architectures": [ { "name": "deep", "spec": "conv16k3p1-pool2-conv8k3p1-dense64" } ] }
            """).Trials);

        Assert.Equal(16, trial.Filters);
    }

    [Fact]
    public void ArchitectureText_ParsesBackToTheTrialsNetwork()
    {
        var definition = Compile("""
            { "name": "p", "datasets": ["mnist"], "filters": [4, 8],
              "architectures": ["dnn", "cnn", "cnn2", { "name": "deep", "spec": "Conv16K3P1-pool2-dense64" }] }
            """);

        Assert.All(definition.Trials, t =>
        {
            var spec = TrialArchitecture.Parse(t);
            Assert.Equal(t.Filters > 0, spec.HasConvolution);
            Assert.Equal(spec.Text, ArchitectureSpec.Parse(t.ArchitectureText, t.Filters > 0 ? t.Filters : null).Text);
            Assert.Equal(spec.Text, ArchitectureSpec.Parse(spec.Text).Text);
        });
        Assert.Equal(["dnn", "cnn", "cnn2"], definition.Trials.Select(t => t.ArchitectureText).Distinct().Take(3));
    }

    [Fact]
    public void TrialArchitecture_GivesEachTrialItsFilterCount()
    {
        var definition = Compile("""
            { "name": "p", "datasets": ["mnist"], "filters": [4, 8],
              "architectures": ["cnn", { "name": "deep", "spec": "conv16k3p1-conv5k3p1-dense64" }] }
            """);

        Assert.Equal(4, definition.Trials.Length);
        Assert.All(definition.Trials, t =>
        {
            var text = TrialArchitecture.Parse(t).Text;
            Assert.StartsWith($"conv{t.Filters}k", text, StringComparison.Ordinal);
            Assert.Equal(t.Architecture == "deep", text.Contains("-conv5k3", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void OmittedFields_TakeThePapersDefaults()
    {
        var trial = Assert.Single(Compile("""{ "name": "d", "datasets": ["mnist"], "architectures": ["dnn"] }""").Trials);

        Assert.Equal(new TrainingSettings(), trial.Training);
        Assert.Equal(1e-3, trial.LearningRate);
        Assert.Equal(1, trial.Seed);
        Assert.Equal("dnn", trial.ArchitectureText);
    }

    [Fact]
    public void TrainingBlock_IsCopiedIntoEveryTrial()
    {
        var definition = Compile("""
            { "name": "t", "datasets": ["mnist"], "architectures": ["dnn", "cnn"],
              "training": { "batchSize": 64, "steps": 2e3, "evalEvery": 25, "devSize": 1000,
                            "earlyStopping": { "patience": 5, "minDelta": 0.01 }, "checkpointEvery": 0,
                            "activation": "elu", "optimizer": "sgd", "threads": 4 } }
            """);

        var expected = new TrainingSettings
        {
            BatchSize = 64,
            Steps = 2000,
            EvalEvery = 25,
            DevSize = 1000,
            Patience = 5,
            MinDelta = 0.01,
            CheckpointEvery = 0,
            Activation = Activation.Elu,
            Optimizer = OptimizerKind.Sgd,
            Threads = 4,
        };
        Assert.All(definition.Trials, t => Assert.Equal(expected, t.Training));
    }

    [Fact]
    public void DatasetTrainingOverride_ChangesOnlyThatDatasetsTrials()
    {
        var definition = Compile("""
            { "name": "t", "architectures": ["dnn"], "training": { "steps": 500, "batchSize": 32 },
              "datasets": [ { "name": "mnist", "training": { "steps": 2000 } }, "cifar10" ] }
            """);

        var mnist = Assert.Single(definition.Trials, t => t.Dataset.Name == "mnist");
        var cifar = Assert.Single(definition.Trials, t => t.Dataset.Name == "cifar10");
        Assert.Equal(2000, mnist.Training.Steps);
        Assert.Equal(32, mnist.Training.BatchSize);
        Assert.Equal(500, cifar.Training.Steps);
        Assert.Equal(32, cifar.Training.BatchSize);
    }

    [Fact]
    public void DatasetForms_BecomeTheMatchingReferences()
    {
        var definition = Compile("""
            { "name": "t", "architectures": ["dnn"], "training": { "devSize": 500 },
              "datasets": [ "mnist", "gaussian",
                            { "name": "shapes", "synthetic": "shapes", "trainSize": 6000, "testSize": 1000, "imageSize": 16, "seed": 9 },
                            { "name": "mydigits", "format": "mnist", "path": "data/mydigits" },
                            { "name": "cifar10" } ] }
            """);

        var datasets = definition.Trials.Select(t => t.Dataset).ToList();
        Assert.Equal(new DatasetRef("mnist", DatasetKind.Catalog), datasets[0]);
        Assert.Equal(DatasetKind.Synthetic, datasets[1].Kind);
        Assert.Equal(SyntheticDatasets.WithDefaults(new SyntheticDatasetSource("gaussian", "gaussian", 0, 0, 0, 1)), datasets[1].ToSource());
        Assert.Equal(new SyntheticDatasetSource("shapes", "shapes", 6000, 1000, 16, 9), datasets[2].ToSource());
        Assert.Equal(new FileDatasetSource("mydigits", DatasetFormat.Mnist, Path.Combine(Path.GetDirectoryName(FileName)!, "data", "mydigits")), datasets[3].ToSource());
        Assert.Equal(new DatasetRef("cifar10", DatasetKind.Catalog), datasets[4]);
    }

    [Theory]
    [InlineData("data/mydigits", "data/mydigits")]
    [InlineData("../shared/digits/", "../shared/digits")]
    [InlineData("./d", "d")]
    public void RelativeDatasetPaths_ResolveAgainstTheGridFilesDirectory(string written, string relativeToGridDirectory)
    {
        var definition = Compile($$"""
            { "name": "t", "architectures": ["dnn"], "datasets": [ { "name": "x", "format": "svhn", "path": "{{written}}" } ] }
            """);

        var expected = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(FileName)!, relativeToGridDirectory));
        Assert.Equal(expected, Assert.Single(definition.Trials).Dataset.Path);
        Assert.True(Path.IsPathFullyQualified(expected));
    }

    [Fact]
    public void TildeInADatasetPath_IsTheHomeDirectory()
    {
        var definition = Compile("""
            { "name": "t", "architectures": ["dnn"], "datasets": [ { "name": "x", "format": "mnist", "path": "~/data/mnist" } ] }
            """);

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.GetFullPath(Path.Combine(home, "data", "mnist")), Assert.Single(definition.Trials).Dataset.Path);
    }

    [Fact]
    public void AbsoluteDatasetPath_IsKept()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "cifar");
        var definition = Compile($$"""
            { "name": "t", "architectures": ["dnn"], "datasets": [ { "name": "x", "format": "cifar10", "path": "{{absolute}}" } ] }
            """);

        Assert.Equal(absolute, Assert.Single(definition.Trials).Dataset.Path);
    }

    [Fact]
    public void CommentsAndTrailingCommas_AreAccepted()
    {
        var definition = Compile("""
            {
              // a comment
              "name": "t", /* another */
              "datasets": ["mnist",],
              "architectures": ["dnn",],
            }
            """);

        Assert.Single(definition.Trials);
    }

    [Fact]
    public void ByteOrderMark_IsIgnored()
    {
        const string grid = """{ "name": "t", "datasets": ["mnist"], "architectures": ["dnn"] }""";

        Assert.Equal(Compile(grid).GridHash, Compile("\uFEFF" + grid).GridHash);
    }

    [Fact]
    public void TrialLimit_AllowsExactlyTheMaximum()
    {
        var seeds = string.Join(",", Enumerable.Range(0, 50_000));
        var definition = Compile($$"""
            { "name": "big", "datasets": ["mnist"], "architectures": ["dnn"], "learningRates": [0.1, 0.2], "seeds": [{{seeds}}] }
            """);

        Assert.Equal(GridLimits.MaxTrials, definition.Trials.Length);
    }

    [Fact]
    public void MissingStudies_AreInferredFromTheArchitectures()
    {
        var all = Compile("""{ "name": "s", "datasets": ["mnist"], "architectures": ["dnn", "cnn", "cnn2"], "filters": [3, 32] }""").Studies;
        var denseOnly = Compile("""{ "name": "s", "datasets": ["mnist"], "architectures": ["dnn"], "filters": [3, 32] }""").Studies;
        var oneFilter = Compile("""{ "name": "s", "datasets": ["mnist"], "architectures": ["dnn", "cnn"], "filters": [3] }""").Studies;

        Assert.Equal(new StudyPlan { DenseVsConv = new StudyPair("dnn", "cnn"), Filters = true, ExtraConvLayer = new StudyPair("cnn", "cnn2") }, all);
        Assert.Equal(new StudyPlan(), denseOnly);
        Assert.Equal(new StudyPlan { DenseVsConv = new StudyPair("dnn", "cnn") }, oneFilter);
    }

    [Fact]
    public void ExplicitStudies_AreTakenAsWritten()
    {
        var studies = Compile("""
            { "name": "s", "datasets": ["mnist"], "filters": [3, 32],
              "architectures": ["dnn", "cnn", { "name": "wide", "spec": "cnn" }],
              "studies": { "denseVsConv": true, "filters": false, "extraConvLayer": ["cnn", "wide"] } }
            """).Studies;

        Assert.Equal(new StudyPlan { DenseVsConv = new StudyPair("dnn", "cnn"), Filters = false, ExtraConvLayer = new StudyPair("cnn", "wide") }, studies);
    }

    [Fact]
    public void QuickstartExample_CompilesToASmallSyntheticSweep()
    {
        var definition = GridCompiler.CompileFile(Path.Combine(RepositoryRoot(), "examples", "quickstart.json"));

        Assert.Equal("quickstart", definition.SweepId);
        Assert.InRange(definition.Trials.Length, 10, 20);
        Assert.All(definition.Trials, t => Assert.Equal(DatasetKind.Synthetic, t.Dataset.Kind));
        Assert.Contains(definition.Trials, t => t.Architecture == "dnn");
        Assert.Contains(definition.Trials, t => t.Architecture == "cnn");
        Assert.NotNull(definition.Studies.DenseVsConv);
        Assert.NotNull(definition.Studies.ExtraConvLayer);
        Assert.True(definition.Studies.Filters);
    }

    [Fact]
    public void PaperExample_CompilesWithThePapersStepsPerDataset()
    {
        var definition = GridCompiler.CompileFile(Path.Combine(RepositoryRoot(), "examples", "paper.json"));

        var steps = definition.Trials.GroupBy(t => t.Dataset.Name).ToDictionary(g => g.Key, g => g.Select(t => t.Training.Steps).Distinct().Single());
        Assert.Equal(new Dictionary<string, int> { ["mnist"] = 2000, ["cifar10"] = 10_000, ["svhn"] = 20_000 }, steps);
        Assert.All(definition.Trials, t => Assert.Equal(DatasetKind.Catalog, t.Dataset.Kind));
        Assert.Equal([0, 3, 32], definition.Trials.Select(t => t.Filters).Distinct().Order());
        Assert.Equal([1, 2, 3], definition.Trials.Select(t => t.Seed).Distinct().Order());
        Assert.Equal(5000, definition.Trials.Select(t => t.Training.DevSize).Distinct().Single());
    }
}
