using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>The JSON of a trial's <c>status</c> file.</summary>
internal sealed record TrialStatusDocument(TrialStatus Status, int Steps);
