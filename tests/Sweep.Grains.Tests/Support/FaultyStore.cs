using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Tests.Support;

/// <summary>A real store behind a <see cref="StoreFaults"/> plan: each call first asks the plan whether it fails.</summary>
public sealed class FaultyStore(ISweepStore inner, StoreFaults faults) : ISweepStore
{
    public Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateSweepAsync), () => inner.CreateSweepAsync(sweep, cancellationToken));

    public Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetSweepAsync), () => inner.GetSweepAsync(sweepId, cancellationToken));

    public Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default) =>
        Call(nameof(ListSweepsAsync), () => inner.ListSweepsAsync(cancellationToken));

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default)
    {
        faults.StatusWrites.Enqueue((trialId, status, steps));
        return Call(nameof(SetTrialStatusAsync), () => inner.SetTrialStatusAsync(trialId, status, steps, cancellationToken));
    }

    public Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetTrialStatusesAsync), () => inner.GetTrialStatusesAsync(sweepId, cancellationToken));

    public Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Call(nameof(SaveCheckpointAsync), () => inner.SaveCheckpointAsync(trialId, step, data, cancellationToken));

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default) =>
        Call(nameof(LoadCheckpointAsync), () => inner.LoadCheckpointAsync(trialId, cancellationToken));

    public Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default) =>
        Call(nameof(SaveResultAsync), () => inner.SaveResultAsync(result, cancellationToken));

    public Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetResultAsync), () => inner.GetResultAsync(trialId, cancellationToken));

    public Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetResultsAsync), () => inner.GetResultsAsync(sweepId, cancellationToken));

    public Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetTrialErrorsAsync), () => inner.GetTrialErrorsAsync(sweepId, cancellationToken));

    public Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default) =>
        Call(nameof(QueryLeaderboardAsync), () => inner.QueryLeaderboardAsync(query, cancellationToken));

    public Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default) =>
        Call(nameof(GetPredictionsAsync), () => inner.GetPredictionsAsync(trialId, split, cancellationToken));

    public Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default) =>
        Call(nameof(SaveStudyAsync), () => inner.SaveStudyAsync(sweepId, studyJson, cancellationToken));

    public Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetStudyAsync), () => inner.GetStudyAsync(sweepId, cancellationToken));

    public Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default) =>
        Call(nameof(RecordRungAsync), () => inner.RecordRungAsync(sweepId, call, cancellationToken));

    public Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetRungsAsync), () => inner.GetRungsAsync(sweepId, cancellationToken));

    public Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetSweepCountsAsync), () => inner.GetSweepCountsAsync(sweepId, cancellationToken));

    public Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default) =>
        Call(nameof(GetTrialPageAsync), () => inner.GetTrialPageAsync(sweepId, skip, take, cancellationToken));

    public Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default) =>
        Call(nameof(VerifyResultsAsync), () => inner.VerifyResultsAsync(rows, cancellationToken));

    public Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default) =>
        Call(nameof(GetDamageAsync), () => inner.GetDamageAsync(sweepId, cancellationToken));

    private Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        faults.Check(operation);
        return call();
    }

    private Task Call(string operation, Func<Task> call)
    {
        faults.Check(operation);
        return call();
    }
}
