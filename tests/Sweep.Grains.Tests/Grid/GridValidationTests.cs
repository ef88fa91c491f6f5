using Sweep.Grains.Grid;
using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class GridValidationTests
{
    /// <summary>A valid grid with one field replaced: <c>{0}</c> is spliced in as extra root fields.</summary>
    private static string With(string fields, string datasets = "[\"mnist\"]", string architectures = "[\"dnn\", \"cnn\"]") =>
        $$"""{ "name": "v", "datasets": {{datasets}}, "architectures": {{architectures}}{{(fields.Length > 0 ? ", " + fields : string.Empty)}} }""";

    [Theory]
    [InlineData("\"training\": { \"steps\": 0 }", "$.training.steps", "from 1 to 10000000; found 0")]
    [InlineData("\"training\": { \"steps\": 10000001 }", "$.training.steps", "found 10000001")]
    [InlineData("\"training\": { \"steps\": 2.5 }", "$.training.steps", "whole number")]
    [InlineData("\"training\": { \"steps\": \"2000\" }", "$.training.steps", "found the string \"2000\"")]
    [InlineData("\"training\": { \"batchSize\": 65537 }", "$.training.batchSize", "from 1 to 65536")]
    [InlineData("\"training\": { \"batchSize\": 0 }", "$.training.batchSize", "from 1 to 65536")]
    [InlineData("\"training\": { \"devSize\": -1 }", "$.training.devSize", "0 or more")]
    [InlineData("\"training\": { \"evalEvery\": 0 }", "$.training.evalEvery", "1 or more")]
    [InlineData("\"training\": { \"checkpointEvery\": -5 }", "$.training.checkpointEvery", "0 or more")]
    [InlineData("\"training\": { \"checkpointEvery\": \"often\" }", "$.training.checkpointEvery", "expected \"auto\" (every 500 steps or more, sized to the network) or a whole number of steps")]
    [InlineData("\"training\": { \"threads\": 257 }", "$.training.threads", "from 1 to 256")]
    [InlineData("\"training\": { \"activation\": \"tanh\" }", "$.training.activation", "\"relu\" or \"elu\"")]
    [InlineData("\"training\": { \"activation\": \"Relu\" }", "$.training.activation", "did you mean 'relu'?")]
    [InlineData("\"training\": { \"optimizer\": \"rmsprop\" }", "$.training.optimizer", "\"adam\" or \"sgd\"")]
    [InlineData("\"training\": { \"earlyStopping\": { \"patience\": 0 } }", "$.training.earlyStopping.patience", "1 or more")]
    [InlineData("\"training\": { \"earlyStopping\": { \"minDelta\": 0.1 } }", "$.training.earlyStopping", "missing required field 'patience'")]
    [InlineData("\"training\": { \"earlyStopping\": { \"patience\": 3, \"minDelta\": 2 } }", "$.training.earlyStopping.minDelta", "from 0 to 1")]
    [InlineData("\"training\": { \"earlyStopping\": true }", "$.training.earlyStopping", "expected false")]
    [InlineData("\"training\": 5", "$.training", "expected an object")]
    [InlineData("\"training\": { \"devSize\": 0, \"earlyStopping\": { \"patience\": 2 } }", "$.training", "devSize is 0")]
    [InlineData("\"filters\": []", "$.filters", "omit the field")]
    [InlineData("\"filters\": 3", "$.filters", "expected an array")]
    [InlineData("\"filters\": [3, 0]", "$.filters[1]", "from 1 to 1024")]
    [InlineData("\"filters\": [1025]", "$.filters[0]", "from 1 to 1024")]
    [InlineData("\"filters\": [3, 5, 3]", "$.filters[2]", "duplicate filter count 3 (also $.filters[0])")]
    [InlineData("\"learningRates\": [0]", "$.learningRates[0]", "greater than 0 and at most 10")]
    [InlineData("\"learningRates\": [10.5]", "$.learningRates[0]", "found 10.5")]
    [InlineData("\"learningRates\": [0.001, 1e-3]", "$.learningRates[1]", "duplicate learning rate")]
    [InlineData("\"learningRates\": []", "$.learningRates", "empty array")]
    [InlineData("\"seeds\": [-1]", "$.seeds[0]", "0 or more")]
    [InlineData("\"seeds\": [2147483648]", "$.seeds[0]", "0 or more")]
    [InlineData("\"studies\": { \"denseVsConv\": [\"dnn\", \"cnn3\"] }", "$.studies.denseVsConv", "'cnn3' is not an architecture of this grid (did you mean 'cnn'?)")]
    [InlineData("\"studies\": { \"denseVsConv\": [\"cnn\", \"dnn\"] }", "$.studies.denseVsConv", "the pair is reversed")]
    [InlineData("\"studies\": { \"denseVsConv\": [\"dnn\"] }", "$.studies.denseVsConv", "expected [\"baseline\", \"candidate\"]")]
    [InlineData("\"studies\": { \"extraConvLayer\": true }", "$.studies.extraConvLayer", "'cnn2' is not an architecture of this grid")]
    [InlineData("\"studies\": { \"extraConvLayer\": [\"dnn\", \"cnn\"] }", "$.studies.extraConvLayer", "two convolutional architectures")]
    [InlineData("\"studies\": { \"extraConvLayer\": [\"cnn\", \"cnn\"] }", "$.studies.extraConvLayer", "two different architectures")]
    [InlineData("\"studies\": { \"filters\": true }", "$.studies.filters", "at least two filter counts")]
    [InlineData("\"studies\": { \"filters\": \"yes\" }", "$.studies.filters", "expected true or false")]
    [InlineData("\"studies\": { \"denseVsConv\": true, \"extra\": true }", "$.studies.extra", "unknown field 'extra'")]
    [InlineData("\"studies\": []", "$.studies", "expected an object")]
    public void InvalidValue_IsReportedAtItsPath(string fields, string path, string message)
    {
        var error = ErrorAt(With(fields), path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"mnsit\"]", "$.datasets[0]", "did you mean 'mnist'?")]
    [InlineData("[5]", "$.datasets[0]", "expected a dataset name or object; found 5")]
    [InlineData("[]", "$.datasets", "empty array")]
    [InlineData("\"mnist\"", "$.datasets", "expected an array")]
    [InlineData("[\"mnist\", { \"name\": \"d\", \"format\": \"png\", \"path\": \"x\" }]", "$.datasets[1].format", "expected format \"mnist\" or \"cifar10\" or \"svhn\"; found the string \"png\"")]
    [InlineData("[{ \"name\": \"d\", \"format\": \"mnist\" }]", "$.datasets[0]", "missing required field 'path'")]
    [InlineData("[{ \"name\": \"d\", \"path\": \"x\" }]", "$.datasets[0]", "missing required field 'format'")]
    [InlineData("[{ \"name\": \"d\", \"format\": \"mnist\", \"path\": \"\" }]", "$.datasets[0].path", "directory path")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"circles\" }]", "$.datasets[0].synthetic", "unknown generator 'circles'")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"shapes\", \"format\": \"mnist\", \"path\": \"x\" }]", "$.datasets[0]", "not both")]
    [InlineData("[{ \"name\": \"d\", \"format\": \"mnist\", \"path\": \"x\", \"imageSize\": 8 }]", "$.datasets[0].imageSize", "only to synthetic datasets")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"shapes\", \"imageSize\": 2 }]", "$.datasets[0].imageSize", "not a size the shapes generator accepts")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"shapes\", \"testSize\": 1000000000 }]", "$.datasets[0].testSize", "not a size the shapes generator accepts")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"shapes\", \"trainSize\": 0 }]", "$.datasets[0].trainSize", "1 or more")]
    [InlineData("[{ \"name\": \"d\", \"synthetic\": \"shapes\", \"trainSize\": 3000 }]", "$.datasets[0]", "make devSize smaller than 3000")]
    [InlineData("[{ \"name\": \"mnist\", \"training\": { \"devSize\": 60000 } }]", "$.datasets[0]", "'mnist' has 60000 training images")]
    [InlineData("[{ \"name\": \"mnist\", \"training\": { \"step\": 10 } }]", "$.datasets[0].training.step", "did you mean 'steps'?")]
    [InlineData("[{ \"name\": \"digits\" }]", "$.datasets[0].name", "not a catalog dataset")]
    [InlineData("[{ \"name\": \"my data\", \"format\": \"mnist\", \"path\": \"x\" }]", "$.datasets[0].name", "A-Z a-z 0-9 _ -")]
    [InlineData("[{ \"format\": \"mnist\", \"path\": \"x\" }]", "$.datasets[0]", "missing required field 'name'")]
    [InlineData("[\"mnist\", \"svhn\", { \"name\": \"mnist\" }]", "$.datasets[2]", "duplicate dataset name 'mnist' (also $.datasets[0])")]
    public void InvalidDataset_IsReportedAtItsPath(string datasets, string path, string message)
    {
        var error = ErrorAt(With(string.Empty, datasets: datasets), path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"rnn\"]", "$.architectures[0]", "presets are dnn, cnn, cnn2")]
    [InlineData("[\"cnn1\"]", "$.architectures[0]", "did you mean 'cnn'?")]
    [InlineData("[]", "$.architectures", "empty array")]
    [InlineData("[{ \"name\": \"cnn\", \"spec\": \"cnn2\" }]", "$.architectures[0].name", "is a preset name")]
    [InlineData("[{ \"name\": \"x\" }]", "$.architectures[0]", "missing required field 'spec'")]
    [InlineData("[{ \"name\": \"x\", \"spec\": \"\" }]", "$.architectures[0].spec", "layer stack")]
    [InlineData("[{ \"name\": \"x\", \"spec\": \"cnn\", \"filters\": 3 }]", "$.architectures[0].filters", "unknown field 'filters'")]
    [InlineData("[\"dnn\", { \"name\": \"dnn2\", \"spec\": \"dnn\" }, { \"name\": \"dnn2\", \"spec\": \"cnn\" }]", "$.architectures[2]", "duplicate architecture name 'dnn2'")]
    public void InvalidArchitectureEntry_IsReportedAtItsPath(string architectures, string path, string message)
    {
        var error = ErrorAt(With(string.Empty, architectures: architectures), path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnparsableLayerStack_IsReportedAtItsSpec()
    {
        var error = ErrorAt(With(string.Empty, architectures: """["dnn", { "name": "bad", "spec": "dense128-wobble7" }]"""), "$.architectures[1].spec");

        Assert.Contains("'dense128-wobble7' is not a valid architecture", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchitectureThatShrinksTheImageAway_IsReportedWithTheDataset()
    {
        var error = ErrorAt(
            With(
                string.Empty,
                datasets: """[{ "name": "tiny", "synthetic": "gaussian", "imageSize": 4, "trainSize": 6000 }]""",
                architectures: """[{ "name": "deep", "spec": "conv4k3p1-pool2-pool2-pool2-dense16" }]"""),
            "$.architectures[0].spec");

        Assert.Contains("cannot run on dataset 'tiny' (4x4 images)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("learningRate", "$.learningRate", "did you mean 'learningRates'?")]
    [InlineData("filter", "$.filter", "did you mean 'filters'?")]
    [InlineData("Seeds", "$.Seeds", "did you mean 'seeds'?")]
    [InlineData("steps", "$.steps", "it belongs inside \"training\": $.training.steps")]
    [InlineData("batch_size", "$.batch_size", "did you mean 'batchSize' inside \"training\"")]
    [InlineData("my field", "$['my field']", "allowed here: name, datasets")]
    public void UnknownRootField_IsAnError_WithTheClosestKnownName(string field, string path, string message)
    {
        var error = ErrorAt(With($"\"{field}\": 1"), path);

        Assert.Contains($"unknown field '{field}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTrainingField_SuggestsTheClosestName()
    {
        var error = ErrorAt(With("\"training\": { \"batch_size\": 64 }"), "$.training.batch_size");

        Assert.Contains("did you mean 'batchSize'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedField_IsAnError()
    {
        var error = ErrorAt("""{ "name": "a", "name": "b", "datasets": ["mnist"], "architectures": ["dnn"] }""", "$.name");

        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "datasets": ["mnist"], "architectures": ["dnn"] }""", "$", "missing required field 'name'")]
    [InlineData("""{ "name": "v", "architectures": ["dnn"] }""", "$", "missing required field 'datasets'")]
    [InlineData("""{ "name": "v", "datasets": ["mnist"] }""", "$", "missing required field 'architectures'")]
    [InlineData("""{ "name": "a.b", "datasets": ["mnist"], "architectures": ["dnn"] }""", "$.name", "A-Z a-z 0-9 _ -")]
    [InlineData("""{ "name": "", "datasets": ["mnist"], "architectures": ["dnn"] }""", "$.name", "1 to 64 characters")]
    [InlineData("[1, 2]", "$", "expected an object")]
    public void StructuralProblem_IsReportedAtItsPath(string json, string path, string message)
    {
        var error = ErrorAt(json, path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongName_IsRejected()
    {
        var error = ErrorAt(With(string.Empty).Replace("\"v\"", $"\"{new string('a', 65)}\"", StringComparison.Ordinal), "$.name");

        Assert.Contains("1 to 64 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidJson_NamesTheLine()
    {
        var error = Assert.Single(Errors("{\n  \"name\": \"v\",\n  \"datasets\": [\"mnist\" \"svhn\"]\n}"));

        Assert.Contains("not valid JSON at line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySeparateProblem_IsReportedTogether()
    {
        var errors = Errors("""
            {
              "name": "bad name",
              "datasets": ["mnist", { "name": "x", "format": "png", "path": "d" }],
              "architectures": ["dnn", "rnn"],
              "learningRate": [0.1],
              "seeds": [1, 1],
              "training": { "steps": 0, "activation": "tanh" }
            }
            """);

        string[] expected = ["$.name", "$.datasets[1].format", "$.architectures[1]", "$.learningRate", "$.seeds[1]", "$.training.steps", "$.training.activation"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GridException_MessageListsEveryProblemWithTheFileName()
    {
        var exception = Assert.Throws<GridException>(() => GridCompiler.Compile(
            """{ "name": "v", "datasets": [], "architectures": [], "seeds": [-1] }""", "my-grid.json"));

        Assert.Equal(3, exception.Errors.Count);
        Assert.StartsWith("my-grid.json: 3 problem(s):", exception.Message, StringComparison.Ordinal);
        Assert.All(exception.Errors, e => Assert.Contains(e.ToString(), exception.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TrialLimit_NamesTheCountAndTheProduct()
    {
        var seeds = string.Join(",", Enumerable.Range(0, 50_000));
        var error = ErrorAt(
            $$"""{ "name": "big", "datasets": ["mnist"], "architectures": ["dnn"], "learningRates": [0.1, 0.2, 0.3], "seeds": [{{seeds}}] }""",
            "$");

        Assert.Contains("150000 trials (1 dataset(s) × 1 architecture(s) × 3 learning rate(s) × 50000 seed(s))", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {GridLimits.MaxTrials}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrialLimit_IsReportedAlongsideOtherProblems()
    {
        var seeds = string.Join(",", Enumerable.Range(0, 60_000));
        var errors = Errors($$"""{ "name": "big", "datasets": ["mnist", "svhn"], "architectures": ["dnn"], "training": { "steps": 0 }, "seeds": [{{seeds}}] }""");

        Assert.Equal(["$", "$.training.steps"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("120000 trials", errors.Single(e => e.Path == "$").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedText_IsRejectedBeforeParsing()
    {
        var json = With(string.Empty) + new string(' ', GridLimits.MaxFileBytes);

        var error = ErrorAt(json, "$");

        Assert.Contains("at most 1048576", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedFile_IsRejectedWithoutReadingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sweep-grid-big-{Environment.ProcessId}.json");
        try
        {
            using (var file = File.Create(path))
            {
                file.SetLength(GridLimits.MaxFileBytes + 1);
            }

            var exception = Assert.Throws<GridException>(() => GridCompiler.CompileFile(path));

            Assert.Contains($"{GridLimits.MaxFileBytes + 1} bytes", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFile_IsAGridError()
    {
        var path = Path.Combine(Path.GetTempPath(), "sweep-grid-tests", "does-not-exist.json");

        var exception = Assert.Throws<GridException>(() => GridCompiler.CompileFile(path));

        Assert.Equal(path, exception.FileName);
        Assert.Contains("no such file", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);
    }
}
