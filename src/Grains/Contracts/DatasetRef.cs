using Sweep.Model.Data;

namespace Sweep.Grains.Contracts;

/// <summary>A dataset as a trial names it; the wire form of <see cref="DatasetSource"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record DatasetRef(
    [property: Id(0)] string Name,
    [property: Id(1)] DatasetKind Kind,
    [property: Id(2)] DatasetFormat? Format = null,
    [property: Id(3)] string? Path = null,
    [property: Id(4)] string? Generator = null,
    [property: Id(5)] int TrainSize = 0,
    [property: Id(6)] int TestSize = 0,
    [property: Id(7)] int ImageSize = 0,
    [property: Id(8)] int Seed = 0)
{
    /// <summary>The model's view of this reference.</summary>
    public DatasetSource ToSource() => Kind switch
    {
        DatasetKind.Catalog => new CatalogDatasetSource(Name),
        DatasetKind.Files => new FileDatasetSource(Name, Format ?? throw new InvalidOperationException($"Dataset '{Name}' has no format."), Path ?? throw new InvalidOperationException($"Dataset '{Name}' has no path.")),
        DatasetKind.Synthetic => new SyntheticDatasetSource(Name, Generator ?? throw new InvalidOperationException($"Dataset '{Name}' has no generator."), TrainSize, TestSize, ImageSize, Seed),
        _ => throw new InvalidOperationException($"Unknown dataset kind {Kind}."),
    };
}
