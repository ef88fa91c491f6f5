using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage;

/// <summary>
/// One trial of a <see cref="TrialPage"/>: its configuration, status and steps, and its leaderboard row and error
/// once it has a result. <see cref="Damage"/> is set (and <see cref="Result"/> null) when its result is damaged.
/// </summary>
public sealed record TrialListing(
    string TrialId,
    string SweepId,
    string Dataset,
    string Architecture,
    int Filters,
    double LearningRate,
    int Seed,
    TrialStatus Status,
    int Steps,
    LeaderboardRow? Result,
    string? Error,
    StoreDamage? Damage);
