using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Tests.Studies;

public sealed class StatisticsTests
{
    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(2, 4.303)]
    [InlineData(4, 2.776)]
    [InlineData(10, 2.228)]
    [InlineData(30, 2.042)]
    public void StudentTInverseCdf_MatchesTablesAt975(int degreesOfFreedom, double table)
    {
        Assert.Equal(table, StudentT.InverseCdf(0.975, degreesOfFreedom), 3);
    }

    [Theory]
    [InlineData(0.95, 5, 2.015)]
    [InlineData(0.995, 3, 5.841)]
    [InlineData(0.025, 4, -2.776)]
    public void StudentTInverseCdf_MatchesTablesAtOtherLevels(double p, int degreesOfFreedom, double table)
    {
        Assert.Equal(table, StudentT.InverseCdf(p, degreesOfFreedom), 3);
    }

    [Fact]
    public void StudentTCdf_OneDegreeOfFreedomIsCauchy()
    {
        foreach (var t in new[] { -3.0, -0.5, 0.0, 0.7, 2.5 })
        {
            Assert.Equal(0.5 + Math.Atan(t) / Math.PI, StudentT.Cdf(t, 1), 12);
        }
    }

    [Fact]
    public void StudentTInverseCdf_InvertsCdf()
    {
        foreach (var df in new[] { 1.0, 3.0, 17.0, 250.0 })
        {
            foreach (var p in new[] { 0.01, 0.2, 0.5, 0.9, 0.999 })
            {
                Assert.Equal(p, StudentT.Cdf(StudentT.InverseCdf(p, df), df), 10);
            }
        }
    }

    [Fact]
    public void StudentTInverseCdf_RejectsProbabilitiesOutsideTheOpenInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.InverseCdf(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.InverseCdf(0.5, 0));
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(0, 10)]
    public void McNemarExactPValue_TenToZeroIsTwiceHalfToTheTenth(int b, int c)
    {
        Assert.Equal(2 * Math.Pow(0.5, 10), McNemar.ExactPValue(b, c), 14);
    }

    [Fact]
    public void McNemarExactPValue_SmallCountsMatchTheBinomialByHand()
    {
        // n = 4, k = 1: P(X <= 1) = (1 + 4) / 16.
        Assert.Equal(2 * 5.0 / 16, McNemar.ExactPValue(3, 1), 14);

        // n = 8, k = 3: P(X <= 3) = (1 + 8 + 28 + 56) / 256.
        Assert.Equal(2 * 93.0 / 256, McNemar.ExactPValue(3, 5), 14);
        Assert.Equal(1, McNemar.ExactPValue(4, 4));
        Assert.Equal(1, McNemar.ExactPValue(0, 0));
    }

    [Fact]
    public void McNemarExactPValue_LargeCountsStayFiniteAndSymmetric()
    {
        var p = McNemar.ExactPValue(5000, 5300);
        Assert.InRange(p, 0.0001, 0.05);
        Assert.Equal(p, McNemar.ExactPValue(5300, 5000));
        Assert.True(McNemar.ExactPValue(100, 3000) >= 0);
    }

    [Fact]
    public void FisherCombinedPValue_MatchesKnownValues()
    {
        Assert.Equal(0.3, McNemar.FisherCombinedPValue([0.3]), 12);

        // -2(ln .05 + ln .05) = 11.983 on chi-square with 4 df: 0.017479.
        Assert.Equal(0.017479, McNemar.FisherCombinedPValue([0.05, 0.05]), 5);
        Assert.Equal(1, McNemar.FisherCombinedPValue([1, 1, 1]), 12);
    }

    [Fact]
    public void PairedBootstrap_IsDeterministicPerSeed()
    {
        var differences = Enumerable.Range(0, 500).Select(i => (i % 7) switch { 0 => 1.0, 1 => -1.0, 2 => 1.0, _ => 0.0 }).ToArray();
        var first = PairedBootstrap.DifferenceInterval(differences, 2000, 5, 0.95);
        var again = PairedBootstrap.DifferenceInterval(differences, 2000, 5, 0.95);
        var other = PairedBootstrap.DifferenceInterval(differences, 2000, 6, 0.95);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        var mean = differences.Average();
        Assert.InRange(mean, first.Low, first.High);

        // The percentile interval approximates mean ± 1.96·sd/√n of the per-image differences.
        var sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / differences.Length);
        var normalWidth = 2 * 1.96 * sd / Math.Sqrt(differences.Length);
        Assert.InRange(first.High - first.Low, 0.8 * normalWidth, 1.2 * normalWidth);
    }

    [Fact]
    public void SummaryStat_IsMeanAndSampleStandardDeviation()
    {
        var stat = SummaryStat.Of([1.0, 2.0, 3.0, 4.0])!;
        Assert.Equal(2.5, stat.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), stat.Sd!.Value, 12);
        Assert.Equal(4, stat.N);
        Assert.Null(SummaryStat.Of([0.7])!.Sd);
        Assert.Null(SummaryStat.Of([]));
    }
}
