namespace Sweep.Model.Data;

/// <summary>
/// Loads (or generates) the train and test sets a <see cref="DatasetSource"/> names. Throws
/// <see cref="DatasetException"/> for anything wrong with the files. CONTRACT (owned by the data work, issue 2).
/// </summary>
public static class DatasetLoader
{
    /// <summary>The catalog names and their formats; each lives in <c>{dataDirectory}/{name}</c>.</summary>
    public static IReadOnlyDictionary<string, DatasetFormat> Catalog { get; } = new Dictionary<string, DatasetFormat>(StringComparer.Ordinal)
    {
        ["mnist"] = DatasetFormat.Mnist,
        ["cifar10"] = DatasetFormat.Cifar10,
        ["svhn"] = DatasetFormat.Svhn,
    };

    /// <param name="dataDirectory">Root under which catalog datasets live (<c>{dataDirectory}/mnist</c>, …).</param>
    public static DatasetPair Load(DatasetSource source, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        switch (source)
        {
            case SyntheticDatasetSource synthetic:
                return SyntheticDatasets.Generate(synthetic);
            case FileDatasetSource files:
                return LoadFiles(files.Format, files.Path, files.Name);
            case CatalogDatasetSource catalog:
                ArgumentNullException.ThrowIfNull(dataDirectory);
                var name = catalog.Name.ToLowerInvariant();
                if (!Catalog.TryGetValue(name, out var format))
                {
                    throw new DatasetException(
                        $"Unknown catalog dataset '{catalog.Name}'; expected one of {string.Join(", ", Catalog.Keys)}, " +
                        "a synthetic generator, or files given with a format and a path.");
                }
                return LoadFiles(format, Path.Combine(dataDirectory, name), catalog.Name);
            default:
                throw new ArgumentException($"Unsupported dataset source type {source.GetType().Name}.", nameof(source));
        }
    }

    /// <summary>How to obtain the files of a format, for messages.</summary>
    public static string HowToGet(DatasetFormat format) => format switch
    {
        DatasetFormat.Mnist => MnistFiles.HowToGet,
        DatasetFormat.Cifar10 => Cifar10Files.HowToGet,
        DatasetFormat.Svhn => SvhnFiles.HowToGet,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown dataset format."),
    };

    private static DatasetPair LoadFiles(DatasetFormat format, string directory, string name)
    {
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            throw new DatasetException(
                $"Dataset '{name}': directory '{directory}' does not exist. {HowToGet(format)}");
        }
        return format switch
        {
            DatasetFormat.Mnist => MnistFiles.Load(directory, name),
            DatasetFormat.Cifar10 => Cifar10Files.Load(directory, name),
            DatasetFormat.Svhn => SvhnFiles.Load(directory, name),
            _ => throw new DatasetException(
                $"Dataset '{name}': unknown format {format}; expected {string.Join(", ", Enum.GetNames<DatasetFormat>())}."),
        };
    }
}
