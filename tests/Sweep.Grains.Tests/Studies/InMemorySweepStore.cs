using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Tests.Studies;

/// <summary>
/// The part of <see cref="ISweepStore"/> the study commands read, over dictionaries, and the rung decisions with the
/// stores' semantics. Members the commands never call throw, so a test that reaches one fails loudly.
/// </summary>
internal sealed class InMemorySweepStore : ISweepStore
{
    private readonly Dictionary<string, SweepDefinition> _sweeps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrialResultRecord> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TrialStatus, int)> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _studies = new(StringComparer.Ordinal);
    private readonly Dictionary<(string TrialId, int Rung), (long Sequence, string SweepId, RungCall Call)> _rungs = [];
    private long _rungSequence;

    /// <summary>A store holding <see cref="StudyFixtures.SmallFullSweep"/> with every result.</summary>
    public static (InMemorySweepStore Store, SweepDefinition Sweep, List<TrialResultRecord> Results) WithSmallFullSweep()
    {
        var store = new InMemorySweepStore();
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        store.Add(sweep, results);
        return (store, sweep, results);
    }

    public void Add(SweepDefinition sweep, IEnumerable<TrialResultRecord> results, IReadOnlyDictionary<string, TrialStatus>? statuses = null)
    {
        _sweeps[sweep.SweepId] = sweep;
        foreach (var trial in sweep.Trials)
        {
            _statuses[trial.TrialId] = (statuses?.GetValueOrDefault(trial.TrialId) ?? TrialStatus.Pending, 0);
        }

        foreach (var result in results)
        {
            _results[result.Row.TrialId] = result;
            _statuses[result.Row.TrialId] = (result.Row.Status, result.Row.Steps);
        }
    }

    public Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_sweeps.GetValueOrDefault(sweepId));

    public Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SweepDefinition>>(_sweeps.Values.OrderBy(s => s.SweepId, StringComparer.Ordinal).ToList());

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>>(
            _sweeps[sweepId].Trials.ToDictionary(t => t.TrialId, t => _statuses[t.TrialId]));

    public Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_results.GetValueOrDefault(trialId));

    public Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TrialResultRecord>>(_results.Values.Where(r => r.Row.SweepId == sweepId).ToList());

    public Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(_results.Values
            .Where(r => r.Row.SweepId == sweepId && r.Error is not null)
            .ToDictionary(r => r.Row.TrialId, r => r.Error!, StringComparer.Ordinal));

    public Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default) =>
        Task.FromResult(_results.GetValueOrDefault(trialId) is { } r ? split == PredictionSplit.Test ? r.TestPredictions : r.DevPredictions : null);

    public Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default)
    {
        _studies[sweepId] = studyJson;
        return Task.CompletedTask;
    }

    public Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_studies.GetValueOrDefault(sweepId));

    public Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default)
    {
        lock (_rungs)
        {
            if (!_sweeps.TryGetValue(sweepId, out var sweep) || sweep.Trials.All(t => t.TrialId != call.TrialId))
            {
                throw new KeyNotFoundException($"Cannot record a rung decision for trial '{call.TrialId}': it is not part of sweep '{sweepId}'.");
            }

            var key = (call.TrialId, call.Rung);
            if (!_rungs.TryGetValue(key, out var stored))
            {
                _rungs[key] = (++_rungSequence, sweepId, call);
            }
            else if (stored.Call.Verdict == RungVerdict.Pause && call.Verdict != RungVerdict.Pause)
            {
                _rungs[key] = (stored.Sequence, sweepId, call);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        lock (_rungs)
        {
            return Task.FromResult<IReadOnlyList<RungCall>>(_rungs.Values
                .Where(r => r.SweepId == sweepId)
                .OrderBy(r => r.Call.Rung)
                .ThenBy(r => r.Sequence)
                .Select(r => r.Call)
                .ToList());
        }
    }

    /// <summary>Nothing in memory can fail a checksum.</summary>
    public Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoreDamage>>([]);
}
