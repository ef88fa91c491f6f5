using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// One trial as the sweep index holds it: its configuration, its status and steps, its leaderboard row and error
/// once it has an intact result, or why its result is damaged (<see cref="Row"/> then null).
/// </summary>
internal sealed record IndexedTrial(
    string TrialId,
    string Dataset,
    string Architecture,
    int Filters,
    double LearningRate,
    int Seed,
    TrialStatus Status,
    int Steps,
    LeaderboardRow? Row,
    string? Error,
    string? Damage)
{
    /// <summary>A trial nothing has been written for: pending at step 0.</summary>
    public static IndexedTrial Of(TrialSpec spec) =>
        new(spec.TrialId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed, TrialStatus.Pending, 0, null, null, null);

    /// <summary>This trial with a non-final status and no result (or a damaged one, <paramref name="damage"/>).</summary>
    public IndexedTrial WithStatus(TrialStatus status, int steps, string? damage) =>
        this with { Status = status, Steps = steps, Row = null, Error = null, Damage = damage };

    /// <summary>This trial with its result.</summary>
    public IndexedTrial WithResult(LeaderboardRow row, string? error) =>
        this with { Status = row.Status, Steps = row.Steps, Row = row, Error = error, Damage = null };
}
