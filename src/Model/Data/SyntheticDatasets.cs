namespace Sweep.Model.Data;

/// <summary>
/// Deterministic generated datasets: in memory, and written as files in each of the paper's formats so every
/// loader runs end to end. CONTRACT (owned by the data work, issue 2).
/// </summary>
public static class SyntheticDatasets
{
    /// <summary>
    /// <c>shapes</c>: coloured objects of several classes at random positions and scales on varying backgrounds
    /// (a convolution genuinely helps); <c>gaussian</c>: class-conditional Gaussian blobs (fast smoke tests).
    /// </summary>
    public static IReadOnlyList<string> GeneratorNames { get; } = ["shapes", "gaussian"];

    /// <summary>Generates the train and test sets in memory; the same arguments give the same bits.</summary>
    public static DatasetPair Generate(SyntheticDatasetSource source) => throw new NotImplementedException("issue 2");

    /// <summary>Writes a generated dataset into <paramref name="directory"/> under the format's standard file names.</summary>
    public static void WriteFiles(SyntheticDatasetSource source, DatasetFormat format, string directory) => throw new NotImplementedException("issue 2");
}
