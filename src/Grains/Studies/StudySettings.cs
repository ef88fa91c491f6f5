namespace Sweep.Grains.Studies;

/// <summary>The fixed choices behind every number of a report (stated in the report itself).</summary>
/// <param name="ConvergenceTolerance">Absolute dev-accuracy tolerance of the convergence step.</param>
/// <param name="ConfidenceLevel">Of every confidence interval.</param>
/// <param name="Alpha">Significance level of the tests.</param>
/// <param name="BootstrapResamples">Resamples of the paired bootstrap.</param>
/// <param name="BootstrapSeed">Seed of the paired bootstrap.</param>
public sealed record StudySettings(
    double ConvergenceTolerance,
    double ConfidenceLevel,
    double Alpha,
    int BootstrapResamples,
    int BootstrapSeed)
{
    /// <summary>0.01 tolerance, 95 % intervals, 5 % tests, 2 000 bootstrap resamples with seed 20191213.</summary>
    public static StudySettings Default { get; } = new(0.01, 0.95, 0.05, 2000, 20191213);
}
