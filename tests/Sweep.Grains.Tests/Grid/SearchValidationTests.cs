using static Sweep.Grains.Tests.Grid.GridFixtures;

namespace Sweep.Grains.Tests.Grid;

public sealed class SearchValidationTests
{
    /// <summary>A valid grid with <paramref name="fields"/> spliced in as extra root fields.</summary>
    private static string With(string fields) =>
        $$"""{ "name": "v", "datasets": ["shapes"], "architectures": ["dnn", "cnn"], {{fields}} }""";

    /// <summary>An ASHA grid with evalEvery 10 and the given asha fields (and extra root fields).</summary>
    private static string Asha(string asha, string training = "\"evalEvery\": 10", string extra = "") =>
        With($$"""{{extra}}"training": { {{training}} }, "search": { "asha": { {{asha}} } }""");

    [Theory]
    [InlineData("\"search\": \"random\"", "$.search", "expected \"grid\", {\"random\": {\"trials\", \"seed\"}} or {\"asha\":")]
    [InlineData("\"search\": 3", "$.search", "found 3")]
    [InlineData("\"search\": {}", "$.search", "give exactly one")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 }, \"asha\": {} }", "$.search", "give exactly one")]
    [InlineData("\"search\": { \"bayes\": {} }", "$.search.bayes", "unknown field 'bayes'; allowed here: random, asha")]
    [InlineData("\"search\": { \"random\": { \"seed\": 1 } }", "$.search.random", "missing required field 'trials'")]
    [InlineData("\"search\": { \"random\": { \"trials\": 0 } }", "$.search.random.trials", "from 1 to 10000; found 0")]
    [InlineData("\"search\": { \"random\": { \"trials\": 10001 } }", "$.search.random.trials", "from 1 to 10000")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2, \"seed\": -1 } }", "$.search.random.seed", "from 0 to 18446744073709551615; found -1")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2, \"sead\": 1 } }", "$.search.random.sead", "did you mean 'seed'?")]
    [InlineData("\"search\": { \"random\": 5 }", "$.search.random", "expected an object")]
    [InlineData("\"learningRates\": { \"logUniform\": [0.001, 0.01] }", "$.learningRates", "only valid with random search; give a list of learning rates, or add \"search\": {\"random\"")]
    [InlineData("\"filters\": { \"intRange\": [2, 8] }", "$.filters", "only valid with random search; give a list of filter counts")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"logUniform\": [0, 0.01] }", "$.learningRates.logUniform", "0 < lo < hi <= 10; found an array of 2")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"logUniform\": [0.01, 0.001] }", "$.learningRates.logUniform", "0 < lo < hi")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"uniform\": [0.01, 11] }", "$.learningRates.uniform", "hi <= 10")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"uniform\": [0.01] }", "$.learningRates.uniform", "expected [lo, hi]")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"normal\": [0.01, 1] }", "$.learningRates.normal", "unknown field 'normal'; allowed here: uniform, logUniform")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": {}", "$.learningRates", "one distribution {\"uniform\": [lo, hi]} or {\"logUniform\": [lo, hi]}")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"learningRates\": { \"uniform\": [0.001, 0.01], \"logUniform\": [0.001, 0.01] }", "$.learningRates", "found 2 distributions")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"filters\": { \"intRange\": [0, 8] }", "$.filters.intRange", "1 <= lo < hi <= 1024")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"filters\": { \"intRange\": [2, 2.5] }", "$.filters.intRange", "whole numbers")]
    [InlineData("\"search\": { \"random\": { \"trials\": 2 } }, \"filters\": { \"uniform\": [2, 8] }", "$.filters.uniform", "allowed here: intRange")]
    [InlineData("\"search\": { \"random\": { \"trials\": 10000 } }, \"seeds\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", "$", "the random search can give 110000 trials (10000 configuration(s) × 1 dataset(s) × 11 seed(s))")]
    public void InvalidSearchOrDistribution_IsReportedAtItsPath(string fields, string path, string message)
    {
        var error = ErrorAt(With(fields), path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("\"maxSteps\": 90", "$.search.asha", "missing required field 'minSteps'")]
    [InlineData("\"minSteps\": 10", "$.search.asha", "missing required field 'maxSteps'")]
    [InlineData("\"minSteps\": 0, \"maxSteps\": 90", "$.search.asha.minSteps", "from 1 to 10000000; found 0")]
    [InlineData("\"minSteps\": 90, \"maxSteps\": 90", "$.search.asha.minSteps", "minSteps (90) must be less than maxSteps (90)")]
    [InlineData("\"minSteps\": 10, \"maxSteps\": 90, \"reductionFactor\": 1", "$.search.asha.reductionFactor", "2 or more; found 1")]
    [InlineData("\"minSteps\": 10, \"maxSteps\": 90, \"metric\": \"devLoss\"", "$.search.asha.metric", "expected metric \"devAccuracy\"; found the string \"devLoss\"")]
    [InlineData("\"minSteps\": 10, \"maxSteps\": 90, \"synchronous\": \"yes\"", "$.search.asha.synchronous", "expected true (rung barriers) or false")]
    [InlineData("\"minSteps\": 10, \"maxSteps\": 90, \"eta\": 3", "$.search.asha.eta", "unknown field 'eta'")]
    [InlineData("\"minSteps\": 10, \"maxSteps\": 90, \"random\": { \"trials\": 0 }", "$.search.asha.random.trials", "from 1 to 10000")]
    [InlineData("\"minSteps\": 15, \"maxSteps\": 200", "$.search.asha", "rung 0 at step 15 is not a multiple of training.evalEvery (10); a rung ranks trials by the dev accuracy evaluated at its step, so every rung (15, 45, 135) must be a multiple of evalEvery")]
    public void InvalidAsha_IsReportedAtItsPath(string asha, string path, string message)
    {
        var error = ErrorAt(Asha(asha), path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaRungOffTheEvaluationSteps_NamesTheRungAndEvalEvery()
    {
        // Rungs 20, 60, 180: evalEvery 30 divides 60 and 180 but not the first.
        var error = ErrorAt(Asha("\"minSteps\": 20, \"maxSteps\": 500", "\"evalEvery\": 30"), "$.search.asha");

        Assert.Contains("rung 0 at step 20 is not a multiple of training.evalEvery (30)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(20, 60, 180)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaRungOffADatasetsOwnEvalEvery_NamesTheDataset()
    {
        var json = $$"""
            { "name": "v", "architectures": ["dnn"],
              "datasets": ["shapes", { "name": "s2", "synthetic": "shapes", "training": { "evalEvery": 20 } }],
              "training": { "evalEvery": 10 }, "search": { "asha": { "minSteps": 10, "maxSteps": 90 } } }
            """;

        var error = ErrorAt(json, "$.search.asha");

        Assert.Contains("rung 0 at step 10 is not a multiple of training.evalEvery (20) of dataset 's2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaWithoutADevSplit_IsAnError()
    {
        var error = ErrorAt(Asha("\"minSteps\": 10, \"maxSteps\": 90", "\"evalEvery\": 10, \"devSize\": 0"), "$.search.asha");

        Assert.Contains("ASHA ranks trials by dev accuracy but training.devSize is 0; set devSize above 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaWithOtherTrainingSteps_IsAnError()
    {
        var error = ErrorAt(Asha("\"minSteps\": 10, \"maxSteps\": 90", "\"evalEvery\": 10, \"steps\": 100"), "$.training.steps");

        Assert.Contains("ASHA trains every trial up to maxSteps (90) but steps is 100; give steps 90 or leave it out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaWithADatasetsOtherSteps_IsAnError()
    {
        var json = """
            { "name": "v", "architectures": ["dnn"], "datasets": [{ "name": "mnist", "training": { "steps": 500 } }],
              "training": { "evalEvery": 10 }, "search": { "asha": { "minSteps": 10, "maxSteps": 90 } } }
            """;

        var error = ErrorAt(json, "$.datasets[0].training.steps");

        Assert.Contains("maxSteps (90) but steps is 500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AshaWithStepsEqualToMaxSteps_IsValid()
    {
        var sweep = Compile(Asha("\"minSteps\": 10, \"maxSteps\": 90", "\"evalEvery\": 10, \"steps\": 90"));

        Assert.All(sweep.Trials, t => Assert.Equal(90, t.Training.Steps));
    }

    [Fact]
    public void DistributionUnderAshaOverTheGrid_SaysToUseAList()
    {
        var error = ErrorAt(Asha("\"minSteps\": 10, \"maxSteps\": 90", extra: "\"learningRates\": { \"uniform\": [0.001, 0.01] }, "), "$.learningRates");

        Assert.Contains("only valid with random search", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistributionUnderAshaOverRandomDraws_IsValid()
    {
        var sweep = Compile(Asha("\"minSteps\": 10, \"maxSteps\": 90, \"random\": { \"trials\": 6, \"seed\": 2 }", extra: "\"learningRates\": { \"uniform\": [0.001, 0.01] }, "));

        Assert.All(sweep.Trials, t => Assert.InRange(t.LearningRate, 0.001, 0.01));
    }
}
