namespace Sweep.Grains.Studies.Statistics;

/// <summary>
/// McNemar's exact test on paired correct/incorrect outcomes, and Fisher's method to combine p-values of
/// independent tests (one per seed).
/// </summary>
public static class McNemar
{
    /// <summary>
    /// Two-sided exact p-value: with n = b + c discordant pairs, p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(n, ½).
    /// </summary>
    /// <param name="baselineOnlyCorrect">b: images the baseline gets right and the candidate wrong.</param>
    /// <param name="candidateOnlyCorrect">c: images the candidate gets right and the baseline wrong.</param>
    public static double ExactPValue(int baselineOnlyCorrect, int candidateOnlyCorrect)
    {
        if (baselineOnlyCorrect < 0 || candidateOnlyCorrect < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(baselineOnlyCorrect), $"Discordant counts must be >= 0 (got b={baselineOnlyCorrect}, c={candidateOnlyCorrect}).");
        }

        var n = baselineOnlyCorrect + candidateOnlyCorrect;
        var k = Math.Min(baselineOnlyCorrect, candidateOnlyCorrect);
        if (n == 0 || 2 * k == n)
        {
            return 1;
        }

        // Terms C(n,i)/2^n in log space (n can be tens of thousands); for i ≤ k < n/2 they increase with i.
        var logTerms = new double[k + 1];
        logTerms[0] = -n * Math.Log(2);
        for (var i = 0; i < k; i++)
        {
            logTerms[i + 1] = logTerms[i] + Math.Log(n - i) - Math.Log(i + 1);
        }

        var max = logTerms[k];
        var sum = 0.0;
        foreach (var logTerm in logTerms)
        {
            sum += Math.Exp(logTerm - max);
        }

        return Math.Min(1, 2 * Math.Exp(max + Math.Log(sum)));
    }

    /// <summary>
    /// Fisher's method: X = −2·Σ ln pᵢ follows χ² with 2k degrees of freedom under the joint null; returns
    /// P(χ²_{2k} ≥ X) = e^{−X/2}·Σ_{i&lt;k} (X/2)^i / i!. p-values of 0 are clamped to the smallest double.
    /// </summary>
    public static double FisherCombinedPValue(IReadOnlyList<double> pValues)
    {
        if (pValues.Count == 0)
        {
            throw new ArgumentException("Fisher's method needs at least one p-value.", nameof(pValues));
        }

        var half = 0.0;
        foreach (var p in pValues)
        {
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(pValues), p, "p-values must lie in [0, 1].");
            }

            half -= Math.Log(Math.Max(p, double.Epsilon));
        }

        var term = 1.0;
        var sum = 1.0;
        for (var i = 1; i < pValues.Count; i++)
        {
            term *= half / i;
            sum += term;
        }

        return Math.Min(1, Math.Exp(-half) * sum);
    }
}
