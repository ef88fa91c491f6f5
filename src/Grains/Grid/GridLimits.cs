namespace Sweep.Grains.Grid;

/// <summary>
/// The limits a grid file must keep (README, "Grid format"). They bound what one sweep can ask of a cluster and
/// keep every name safe inside trial ids and file names.
/// </summary>
public static class GridLimits
{
    /// <summary>Largest grid file accepted, in bytes (1 MiB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Most trials one grid may expand to.</summary>
    public const int MaxTrials = 100_000;

    /// <summary>Longest sweep, dataset or architecture name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Learning rates lie in (0, <see cref="MaxLearningRate"/>].</summary>
    public const double MaxLearningRate = 10;

    /// <summary>Most configurations one random search may draw.</summary>
    public const int MaxRandomTrials = 10_000;

    public const int MaxSteps = 10_000_000;

    public const int MaxBatchSize = 65_536;

    public const int MaxFilters = 1024;

    public const int MaxThreads = 256;
}
