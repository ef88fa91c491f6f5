namespace Sweep.Grains.Contracts;

/// <summary>How a grid names a dataset.</summary>
public enum DatasetKind
{
    /// <summary>A catalog name (mnist, cifar10, svhn) under the data directory.</summary>
    Catalog,

    /// <summary>{ name, format, path }.</summary>
    Files,

    /// <summary>A synthetic generator.</summary>
    Synthetic,
}
