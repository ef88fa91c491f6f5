using Sweep.Model.Kernels;

namespace Sweep.Model.Tests.Kernels;

public sealed class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 17, 33)]
    [InlineData(33, 129, 7)]
    [InlineData(129, 33, 17)]
    [InlineData(17, 1, 129)]
    [InlineData(100, 70, 300)]
    [InlineData(389, 70, 130)]
    [InlineData(13, 1100, 37)]
    public void Multiply_MatchesScalarReference_ForEveryTransposeAtAwkwardSizes(int m, int n, int k)
    {
        var a = TestArrays.RandomFloats(m * k, 1);
        var b = TestArrays.RandomFloats(k * n, 2);
        var start = TestArrays.RandomFloats(m * n, 3);
        foreach (var transposeA in new[] { false, true })
        {
            foreach (var transposeB in new[] { false, true })
            {
                foreach (var accumulate in new[] { false, true })
                {
                    var expected = TestArrays.ToDoubles(start);
                    Gemm.MultiplyReference<double>(TestArrays.ToDoubles(a), transposeA, TestArrays.ToDoubles(b), transposeB, m, n, k, expected, accumulate);
                    var actual = (float[])start.Clone();
                    Gemm.Multiply(a, transposeA, b, transposeB, m, n, k, actual, accumulate);
                    TestArrays.AssertClose(
                        expected.Select(v => (float)v).ToArray(),
                        actual,
                        2e-6 * Math.Sqrt(k),
                        $"C (tA={transposeA}, tB={transposeB}, acc={accumulate})");
                }
            }
        }
    }

    [Theory]
    [InlineData(true, false, 16411, 70, 130)]
    [InlineData(false, true, 130, 16411, 70)]
    [InlineData(false, false, 1400, 1100, 260)]
    public void Multiply_PastThePrefetchSize_MatchesScalarReference(bool transposeA, bool transposeB, int m, int n, int k)
    {
        // The weight gradient (Aᵀ) and input gradient (Bᵀ) of a wide dense layer take the software-prefetch path,
        // with an M and N tail that fills neither a block nor a panel; the plain product crosses K and N blocks.
        Assert.True((long)m * k + (long)k * n + (long)m * n >= Gemm.PrefetchFloats, "sizes must reach the prefetch path");
        var a = TestArrays.RandomFloats(m * k, 6);
        var b = TestArrays.RandomFloats(k * n, 7);
        var start = TestArrays.RandomFloats(m * n, 8);
        var expected = TestArrays.ToDoubles(start);
        Gemm.MultiplyReference<double>(TestArrays.ToDoubles(a), transposeA, TestArrays.ToDoubles(b), transposeB, m, n, k, expected, true);
        var actual = (float[])start.Clone();
        Gemm.Multiply(a, transposeA, b, transposeB, m, n, k, actual, true);
        TestArrays.AssertClose(expected.Select(v => (float)v).ToArray(), actual, 2e-6 * Math.Sqrt(k), "C");
    }

    [Fact]
    public void MultiplyColumns_SplitIntoRanges_IsBitIdenticalToOneCall()
    {
        const int m = 37, n = 101, k = 300;
        var a = TestArrays.RandomFloats(m * k, 4);
        var b = TestArrays.RandomFloats(k * n, 5);
        var whole = new float[m * n];
        Gemm.Multiply(a, false, b, false, m, n, k, whole, false);
        var split = new float[m * n];
        foreach (var (start, end) in new[] { (0, 13), (13, 64), (64, 101) })
        {
            Gemm.MultiplyColumns(a, false, b, false, m, n, k, split, false, start, end);
        }
        Assert.Equal(whole, split);
    }

    [Fact]
    public void Multiply_WithEmptyInnerDimension_ClearsOrKeepsTheOutput()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply([], false, [], false, 2, 2, 0, c, true);
        Assert.Equal([1f, 2, 3, 4], c);
        Gemm.Multiply([], false, [], false, 2, 2, 0, c, false);
        Assert.Equal([0f, 0, 0, 0], c);
    }
}
