using Sweep.Grains.Contracts;

namespace Sweep.Grains.Storage.Local;

/// <summary>The JSON of a trial's <c>status</c> file.</summary>
internal sealed record TrialStatusDocument(TrialStatus Status, int Steps);
