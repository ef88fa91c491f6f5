using Sweep.Grains.Search;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>The JSON of a rung file: the decision, and its place in the sweep's order of first recording.</summary>
internal sealed record RungDocument(long Sequence, RungCall Call);
