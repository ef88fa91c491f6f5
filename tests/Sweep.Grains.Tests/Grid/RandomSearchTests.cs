using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Contracts;
using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class RandomSearchTests
{
    /// <summary>A random search over three architectures, two datasets and two seeds; <paramref name="axes"/> are the filter and learning-rate fields.</summary>
    private static string Random(int trials, ulong seed = 7, string axes = """
        "filters": { "intRange": [2, 9] }, "learningRates": { "logUniform": [0.0001, 0.1] }
        """) => $$"""
        { "name": "r", "datasets": ["mnist", "shapes"], "architectures": ["dnn", "cnn", "cnn2"], "seeds": [1, 2],
          {{axes}},
          "search": { "random": { "trials": {{trials}}, "seed": {{seed}} } } }
        """;

    private static List<TrialSpec> Configurations(SweepDefinition sweep) =>
        [.. sweep.Trials.Where(t => t.Dataset.Name == "mnist" && t.Seed == 1)];

    [Fact]
    public void SameSeed_GivesTheSameTrials_AnotherSeedOthers()
    {
        var first = Compile(Random(20));
        var again = Compile(Random(20));
        var other = Compile(Random(20, seed: 8));

        Assert.Equal(first.Trials, again.Trials);
        Assert.Equal(first.GridHash, again.GridHash);
        Assert.NotEqual(first.Trials.Select(t => t.TrialId), other.Trials.Select(t => t.TrialId));
        Assert.NotEqual(first.GridHash, other.GridHash);
    }

    [Fact]
    public void MoreTrials_StartWithTheFewer()
    {
        var fewer = Compile(Random(10));
        var more = Compile(Random(15));

        Assert.Equal(fewer.Trials, more.Trials.Take(fewer.Trials.Length));
        Assert.True(more.Trials.Length > fewer.Trials.Length);
    }

    [Fact]
    public void EveryConfiguration_RunsOnEveryDatasetAndSeed()
    {
        var sweep = Compile(Random(12));

        var byConfiguration = sweep.Trials.GroupBy(t => (t.Architecture, t.Filters, t.LearningRate)).ToList();
        Assert.Equal(12, byConfiguration.Count);
        Assert.All(byConfiguration, g => Assert.Equal(
            ["mnist.1", "mnist.2", "shapes.1", "shapes.2"],
            g.Select(t => $"{t.Dataset.Name}.{t.Seed}").Order(StringComparer.Ordinal)));
        Assert.All(sweep.Trials, t => Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"r.{t.Dataset.Name}.{t.Architecture}.f{t.Filters}.lr{t.LearningRate:R}.s{t.Seed}"),
            t.TrialId));
    }

    [Fact]
    public void LogUniformDraws_StayInBounds_AndFillBothHalvesOfTheLogRange()
    {
        var rates = Configurations(Compile(Random(2000))).Select(t => t.LearningRate).ToList();

        Assert.All(rates, lr => Assert.InRange(lr, 0.0001, 0.1));
        var belowMiddle = rates.Count(lr => Math.Log(lr) < Math.Log(0.0001 * 0.1) / 2);

        // Log-uniform: about half lie below the geometric middle (0.00316); uniform would put 3 % there.
        Assert.InRange(belowMiddle, 800, 1200);
    }

    [Fact]
    public void UniformDraws_StayInBounds_AndFillBothHalves()
    {
        var rates = Configurations(Compile(Random(1000, axes: "\"learningRates\": { \"uniform\": [0.001, 0.003] }")))
            .Select(t => t.LearningRate).ToList();

        Assert.All(rates, lr => Assert.InRange(lr, 0.001, 0.003));
        Assert.InRange(rates.Count(lr => lr < 0.002), 400, 600);
    }

    [Fact]
    public void IntRange_DrawsEveryWholeNumberFromLowToHigh_Inclusive()
    {
        var convFilters = Configurations(Compile(Random(1000)))
            .Where(t => t.Architecture != "dnn").Select(t => t.Filters).Distinct().Order();

        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9], convFilters);
    }

    [Fact]
    public void Lists_AreChosenFromUniformly_AndDuplicateDrawsAreKeptOnce()
    {
        var sweep = Compile(Random(200, axes: "\"filters\": [3, 16], \"learningRates\": [0.001, 0.01]"));

        var configurations = Configurations(sweep);
        Assert.Equal(sweep.Trials.Length, sweep.Trials.Select(t => t.TrialId).Distinct().Count());

        // dnn × 2 rates + (cnn, cnn2) × 2 filters × 2 rates: 200 draws hit all 10.
        Assert.Equal(10, configurations.Count);
        Assert.Equal([0.001, 0.01], configurations.Select(t => t.LearningRate).Distinct().Order());
        Assert.Equal([0, 3, 16], configurations.Select(t => t.Filters).Distinct().Order());
        Assert.Equal(["cnn", "cnn2", "dnn"], configurations.Select(t => t.Architecture).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RandomSearchWithoutAStudiesBlock_HasNoStudies()
    {
        Assert.Equal(new StudyPlan(), Compile(Random(5)).Studies);
    }

    [Fact]
    public void CanonicalJson_HasTheSearchAndDistributions_AndCompilesToTheSameSweep()
    {
        var sweep = Compile(Random(9));

        var again = Compile(sweep.GridJson);

        Assert.Equal(sweep.GridHash, again.GridHash);
        Assert.Equal(sweep.Trials, again.Trials);
        using var document = JsonDocument.Parse(sweep.GridJson);
        var root = document.RootElement;
        Assert.Equal("""{"random":{"trials":9,"seed":7}}""", root.GetProperty("search").GetRawText());
        Assert.Equal("""{"intRange":[2,9]}""", root.GetProperty("filters").GetRawText());
        Assert.Equal("""{"logUniform":[0.0001,0.1]}""", root.GetProperty("learningRates").GetRawText());
    }

    [Fact]
    public void SeedDefaultsToOne()
    {
        var implicitSeed = Random(6).Replace(", \"seed\": 7", string.Empty, StringComparison.Ordinal);

        Assert.Equal(Compile(Random(6, seed: 1)).GridHash, Compile(implicitSeed).GridHash);
    }
}
