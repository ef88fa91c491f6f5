using System.Collections.Immutable;

namespace Sweep.Grains.Grid;

/// <summary>
/// A validated architecture entry. <paramref name="Filters"/> are the filter counts its trials use: the grid's
/// filter axis (or the architecture's own count when the axis is absent) for a convolutional architecture,
/// [0] for a dense one.
/// </summary>
internal sealed record GridArchitecture(string Name, string Spec, bool HasConvolution, ImmutableArray<int> Filters);
