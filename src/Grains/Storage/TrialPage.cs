namespace Sweep.Grains.Storage;

/// <summary>
/// A slice of a sweep's trials in the order of its definition, as <see cref="ISweepStore.GetTrialPageAsync"/> reads
/// it: <see cref="Total"/> trials in all, <see cref="Skipped"/> of them before <see cref="Trials"/>.
/// </summary>
/// <param name="GridJson">The sweep's canonical grid (its search, for the rung column).</param>
/// <param name="Damage">Damage found in the trials of the page.</param>
public sealed record TrialPage(
    string SweepId,
    string GridJson,
    int Total,
    int Skipped,
    IReadOnlyList<TrialListing> Trials,
    IReadOnlyList<StoreDamage> Damage);
