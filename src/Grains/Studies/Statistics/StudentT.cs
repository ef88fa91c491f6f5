namespace Sweep.Grains.Studies.Statistics;

/// <summary>Student's t distribution: CDF through the regularised incomplete beta function, and its inverse.</summary>
public static class StudentT
{
    /// <summary>P(T ≤ t) for T ~ t(df): for t &gt; 0 it is 1 − ½·I_{df/(df+t²)}(df/2, ½).</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        ValidateDegreesOfFreedom(degreesOfFreedom);
        if (double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "t must be a number.");
        }

        if (double.IsInfinity(t))
        {
            return t > 0 ? 1 : 0;
        }

        var tail = 0.5 * SpecialFunctions.RegularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
        return t > 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = p, found by bisection on <see cref="Cdf"/> (deterministic, ~1e-12 absolute).</summary>
    public static double InverseCdf(double p, double degreesOfFreedom)
    {
        ValidateDegreesOfFreedom(degreesOfFreedom);
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must lie strictly between 0 and 1.");
        }

        if (p == 0.5)
        {
            return 0;
        }

        // Symmetry: solve for the upper tail and mirror.
        var upper = Math.Max(p, 1 - p);
        var lo = 0.0;
        var hi = 1.0;
        while (Cdf(hi, degreesOfFreedom) < upper)
        {
            lo = hi;
            hi *= 2;
            if (hi > 1e300)
            {
                throw new InvalidOperationException($"t quantile for p={p}, df={degreesOfFreedom} is out of range.");
            }
        }

        for (var i = 0; i < 200 && hi - lo > 1e-13 * Math.Max(1, hi); i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Cdf(mid, degreesOfFreedom) < upper)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var t = 0.5 * (lo + hi);
        return p > 0.5 ? t : -t;
    }

    private static void ValidateDegreesOfFreedom(double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0) || double.IsInfinity(degreesOfFreedom))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Degrees of freedom must be a positive finite number.");
        }
    }
}
