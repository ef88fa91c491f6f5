namespace Sweep.Model.Data;

/// <summary>Where a dataset comes from, as a grid names it (DESIGN.md, "Contracts the CLI keeps").</summary>
public abstract record DatasetSource(string Name);

/// <summary>A catalog dataset (<c>mnist</c>, <c>cifar10</c>, <c>svhn</c>) resolved under the data directory.</summary>
public sealed record CatalogDatasetSource(string Name) : DatasetSource(Name);

/// <summary>Files in one of the paper's formats at <paramref name="Path"/> (a directory holding the standard file names).</summary>
public sealed record FileDatasetSource(string Name, DatasetFormat Format, string Path) : DatasetSource(Name);

/// <summary>A deterministic generated dataset (see <c>SyntheticDatasets</c> for the generator names).</summary>
public sealed record SyntheticDatasetSource(
    string Name,
    string Generator,
    int TrainSize,
    int TestSize,
    int ImageSize,
    int Seed) : DatasetSource(Name);
