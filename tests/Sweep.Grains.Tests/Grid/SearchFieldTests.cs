using System.Text.Json;
using Sweep.Grains.Grid;
using Sweep.Grains.Search;
using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class SearchFieldTests
{
    private const string Asha = """
        { "name": "a", "datasets": ["shapes"], "architectures": ["dnn", "cnn"], "filters": [3, 8],
          "learningRates": [0.001, 0.002, 0.004], "training": { "evalEvery": 10, "devSize": 200 },
          "search": { "asha": { "minSteps": 10, "maxSteps": 270 } } }
        """;

    [Theory]
    [InlineData("quickstart.json", "0e3f23fd42ddb0bbbd102af392a31aa82a8b7141d5cca8b9622c534ebd1bf05b")]
    [InlineData("paper.json", "2b86e0a7828a21cc479e017a05299710eb9647f4a0ea7a8b2c76ba65f126dad0")]
    public void ExistingExamples_KeepTheHashTheyHadBeforeTheSearchField(string file, string hash)
    {
        var sweep = GridCompiler.CompileFile(Path.Combine(RepositoryRoot(), "examples", file));

        Assert.Equal(hash, sweep.GridHash);
        Assert.DoesNotContain("search", sweep.GridJson, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryExample_Compiles()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "*.json");

        Assert.Contains(files, f => f.EndsWith("random.json", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("asha.json", StringComparison.Ordinal));
        Assert.All(files, f => Assert.NotEmpty(GridCompiler.CompileFile(f).Trials));
    }

    [Fact]
    public void AshaExample_SearchesAtLeast24Configurations()
    {
        var sweep = GridCompiler.CompileFile(Path.Combine(RepositoryRoot(), "examples", "asha.json"));

        var asha = GridCompiler.SearchOf(sweep).Asha!;
        Assert.True(sweep.Trials.Length >= 24);
        Assert.All(sweep.Trials, t => Assert.All(asha.Rungs(), r => Assert.Equal(0, r % t.Training.EvalEvery)));
    }

    [Fact]
    public void SearchGrid_IsThePlainGrid()
    {
        var plain = Compile(Asha.Replace("\"search\": { \"asha\": { \"minSteps\": 10, \"maxSteps\": 270 } }", "\"seeds\": [1]", StringComparison.Ordinal));
        var explicitGrid = Compile(Asha.Replace("{ \"asha\": { \"minSteps\": 10, \"maxSteps\": 270 } }", "\"grid\"", StringComparison.Ordinal));

        Assert.Equal(plain.GridHash, explicitGrid.GridHash);
        Assert.Equal(SearchSpec.Grid, GridCompiler.SearchOf(explicitGrid));
        Assert.Equal(SearchSpec.Grid, GridCompiler.SearchOf(plain));
    }

    [Fact]
    public void SearchOf_ReadsBackRandomSearch()
    {
        var sweep = Compile("""
            { "name": "r", "datasets": ["mnist"], "architectures": ["dnn"], "search": { "random": { "trials": 4, "seed": 18446744073709551615 } } }
            """);

        Assert.Equal(new SearchSpec(4, ulong.MaxValue, null), GridCompiler.SearchOf(sweep));
    }

    [Fact]
    public void SearchOf_ReadsBackAsha_WithDefaultsFilled()
    {
        var sweep = Compile(Asha);

        Assert.Equal(new SearchSpec(null, null, new AshaSettings("devAccuracy", 10, 270, 3, false)), GridCompiler.SearchOf(sweep));
        using var document = JsonDocument.Parse(sweep.GridJson);
        Assert.Equal(
            """{"asha":{"metric":"devAccuracy","minSteps":10,"maxSteps":270,"reductionFactor":3,"synchronous":false}}""",
            document.RootElement.GetProperty("search").GetRawText());
    }

    [Fact]
    public void SearchOf_ReadsBackAshaOverRandomDraws()
    {
        var sweep = Compile(Asha.Replace("\"maxSteps\": 270", "\"maxSteps\": 90, \"reductionFactor\": 2, \"synchronous\": true, \"random\": { \"trials\": 5, \"seed\": 3 }", StringComparison.Ordinal));

        Assert.Equal(new SearchSpec(5, 3, new AshaSettings("devAccuracy", 10, 90, 2, true)), GridCompiler.SearchOf(sweep));
        Assert.Equal(sweep.GridHash, Compile(sweep.GridJson).GridHash);
        Assert.InRange(sweep.Trials.Length, 1, 5);
    }

    [Fact]
    public void AshaOverTheGrid_RunsEveryPoint_ToMaxSteps()
    {
        var sweep = Compile(Asha);
        var grid = Compile(Asha.Replace("\"search\": { \"asha\": { \"minSteps\": 10, \"maxSteps\": 270 } }", "\"seeds\": [1]", StringComparison.Ordinal));

        Assert.Equal(grid.Trials.Select(t => t.TrialId), sweep.Trials.Select(t => t.TrialId));
        Assert.All(sweep.Trials, t => Assert.Equal(270, t.Training.Steps));
        Assert.Equal(sweep.GridHash, Compile(sweep.GridJson).GridHash);
    }

    [Theory]
    [InlineData("\"minSteps\": 10", "\"minSteps\": 20")]
    [InlineData("\"maxSteps\": 270", "\"maxSteps\": 280")]
    [InlineData("\"maxSteps\": 270", "\"maxSteps\": 270, \"synchronous\": true")]
    [InlineData("\"maxSteps\": 270", "\"maxSteps\": 270, \"reductionFactor\": 2")]
    [InlineData("\"maxSteps\": 270", "\"maxSteps\": 270, \"random\": { \"trials\": 5 }")]
    public void AshaSettingChange_ChangesTheHash(string before, string after)
    {
        var changed = Asha.Replace(before, after, StringComparison.Ordinal);

        Assert.NotEqual(Compile(Asha).GridHash, Compile(changed).GridHash);
    }
}
