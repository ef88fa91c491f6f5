using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sweep.Model.Data;
using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class GridHashTests
{
    private const string Grid = """
        {
          "name": "h",
          "datasets": ["mnist", { "name": "shapes", "synthetic": "shapes", "trainSize": 6000, "imageSize": 16 },
                       { "name": "mine", "format": "mnist", "path": "data/mine" }],
          "architectures": ["dnn", "cnn", { "name": "deep", "spec": "conv16k3p1-pool2-dense128-dense64" }],
          "filters": [3, 32],
          "learningRates": [0.001, 0.0003],
          "seeds": [1, 2],
          "training": { "steps": 1000, "earlyStopping": { "patience": 5 } }
        }
        """;

    [Fact]
    public void Reformatting_ReorderingKeysAndComments_KeepTheHash()
    {
        const string reformatted = """
            // the same grid, written differently
            {"training":{"earlyStopping":{"patience":5,},"steps":1e3},
             "seeds":[2,1], "learningRates":[3e-4,0.001,], "filters":[32,3],
             "architectures":["dnn","cnn",{"spec":"conv16k3p1-pool2-dense128-dense64","name":"deep"}],
             /* datasets */ "datasets":["mnist",{"imageSize":16,"trainSize":6000,"synthetic":"shapes","name":"shapes"},
                          {"path":"./data/../data/mine/","format":"mnist","name":"mine"}],
             "name":"h"}
            """;

        var original = Compile(Grid);
        var other = Compile(reformatted);

        Assert.Equal(original.GridHash, other.GridHash);
        Assert.Equal(original.GridJson, other.GridJson);
        Assert.Equal(original.Trials, other.Trials);
    }

    [Fact]
    public void ExplicitDefaults_HashLikeOmittedOnes()
    {
        const string minimal = """{ "name": "d", "datasets": ["mnist", "shapes"], "architectures": ["dnn", "cnn", "cnn2"] }""";
        var shapes = SyntheticDatasets.WithDefaults(new SyntheticDatasetSource("shapes", "shapes", 0, 0, 0, 1));
        var spelledOut = $$"""
            { "name": "d", "learningRates": [0.001], "seeds": [1],
              "datasets": [{ "name": "mnist", "training": { "steps": 2000 } },
                           { "name": "shapes", "synthetic": "shapes", "trainSize": {{shapes.TrainSize}}, "testSize": {{shapes.TestSize}}, "imageSize": {{shapes.ImageSize}}, "seed": 1 }],
              "architectures": ["dnn", "cnn", "cnn2"],
              "training": { "batchSize": 128, "steps": 2000, "evalEvery": 100, "devSize": 5000, "earlyStopping": false,
                            "checkpointEvery": "auto", "activation": "relu", "optimizer": "adam", "threads": 1 },
              "studies": { "denseVsConv": ["dnn", "cnn"], "filters": false, "extraConvLayer": ["cnn", "cnn2"] } }
            """;

        Assert.Equal(Compile(minimal).GridHash, Compile(spelledOut).GridHash);
    }

    [Fact]
    public void AutoCheckpoints_AlsoCarryTheHashOfTheFormerDefault500()
    {
        const string omitted = """{ "name": "d", "datasets": ["mnist"], "architectures": ["dnn"] }""";
        const string former = """{ "name": "d", "datasets": ["mnist"], "architectures": ["dnn"], "training": { "checkpointEvery": 500 } }""";
        const string overridden = """{ "name": "d", "datasets": [{ "name": "mnist", "training": { "steps": 10 } }], "architectures": ["dnn"], "training": { "checkpointEvery": 500 } }""";

        var auto = Compile(omitted);
        var explicitly = Compile(former);

        Assert.Contains("\"checkpointEvery\":\"auto\"", auto.GridJson, StringComparison.Ordinal);
        Assert.NotEqual(explicitly.GridHash, auto.GridHash);
        Assert.Equal(explicitly.GridHash, auto.GridHashBeforeAutoCheckpoints);
        Assert.True(auto.HasGridOf(explicitly));
        Assert.False(explicitly.HasGridOf(auto));
        Assert.Null(explicitly.GridHashBeforeAutoCheckpoints);
        // A dataset's own training block inherits the grid's interval: no "auto" left, so no former hash.
        Assert.Null(Compile(overridden).GridHashBeforeAutoCheckpoints);
    }

    [Theory]
    [InlineData("\"steps\": 1000", "\"steps\": 1001")]
    [InlineData("\"patience\": 5", "\"patience\": 6")]
    [InlineData("[0.001, 0.0003]", "[0.001, 0.0004]")]
    [InlineData("\"seeds\": [1, 2]", "\"seeds\": [1, 2, 3]")]
    [InlineData("\"filters\": [3, 32]", "\"filters\": [3, 16]")]
    [InlineData("\"name\": \"h\"", "\"name\": \"h2\"")]
    [InlineData("\"trainSize\": 6000", "\"trainSize\": 6001")]
    [InlineData("\"path\": \"data/mine\"", "\"path\": \"data/other\"")]
    [InlineData("conv16k3p1-pool2-dense128-dense64", "conv16k3p1-pool2-dense128-dense32")]
    [InlineData("[\"dnn\", \"cnn\",", "[\"cnn\", \"dnn\",")]
    [InlineData("\"format\": \"mnist\"", "\"format\": \"svhn\"")]
    public void SemanticChange_ChangesTheHash(string before, string after)
    {
        Assert.Contains(before, Grid, StringComparison.Ordinal);
        var changed = Grid.Replace(before, after, StringComparison.Ordinal);

        Assert.NotEqual(Compile(Grid).GridHash, Compile(changed).GridHash);
    }

    [Fact]
    public void CustomSpecsSpelledDifferently_HashAlike()
    {
        var respelled = Grid.Replace("conv16k3p1-pool2-dense128-dense64", "CONV16k3s1p1-pool2s2-dense128-dense64", StringComparison.Ordinal);

        Assert.Equal(Compile(Grid).GridHash, Compile(respelled).GridHash);
    }

    [Fact]
    public void StudiesChange_ChangesTheHash()
    {
        var withStudies = Grid.Replace("\"seeds\"", "\"studies\": { \"filters\": true }, \"seeds\"", StringComparison.Ordinal);

        Assert.NotEqual(Compile(Grid).GridHash, Compile(withStudies).GridHash);
    }

    [Fact]
    public void GridHash_IsTheSha256OfTheCanonicalJson()
    {
        var definition = Compile(Grid);

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition.GridJson)));
        Assert.Equal(expected, definition.GridHash);
        Assert.Matches("^[0-9a-f]{64}$", definition.GridHash);
    }

    [Fact]
    public void CanonicalJson_IsAGridThatCompilesToTheSameSweep()
    {
        var definition = Compile(Grid);

        var again = Compile(definition.GridJson);

        Assert.Equal(definition.GridHash, again.GridHash);
        Assert.Equal(definition.Trials, again.Trials);
        using var document = JsonDocument.Parse(definition.GridJson);
        Assert.Equal(
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(FileName)!, "data", "mine")),
            document.RootElement.GetProperty("datasets")[2].GetProperty("path").GetString());
    }

    [Fact]
    public void SameGridInAnotherDirectory_WithRelativePaths_IsADifferentSweep()
    {
        var here = Compile(Grid);
        var elsewhere = Sweep.Grains.Grid.GridCompiler.Compile(Grid, Path.Combine(Path.GetTempPath(), "another-place", "grid.json"));

        Assert.NotEqual(here.GridHash, elsewhere.GridHash);
    }
}
