namespace Sweep.Grains.Storage;

/// <summary>
/// What <see cref="ISweepStore.GetSweepCountsAsync"/> answers: the sweeps' counts, newest first, and the damage the
/// store knows of in them (definitions that do not read, whose sweeps are left out, and damaged results).
/// </summary>
public sealed record SweepOverview(IReadOnlyList<SweepCounts> Sweeps, IReadOnlyList<StoreDamage> Damage);
