using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Model.Metrics;

namespace Sweep.Grains.Storage.InMemory;

/// <summary>
/// A store in this process's memory, gone with it: for tests and for callers that need the <see cref="ISweepStore"/>
/// semantics without a directory or a server. It runs the same conformance suite as the other backends. One lock
/// guards everything, so every call is atomic. Stored values are the caller's objects, not copies (checkpoint bytes
/// excepted, which are copied and checksummed like on disk); nothing can be damaged, so <see cref="GetDamageAsync"/>
/// is always empty.
/// </summary>
public sealed class InMemorySweepStore : ISweepStore
{
    private const int CheckpointsKept = 2;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SweepDefinition> _sweeps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrialEntry> _trials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _studies = new(StringComparer.Ordinal);
    private readonly Dictionary<(string TrialId, int Rung), (long Sequence, string SweepId, RungCall Call)> _rungs = [];
    private long _rungSequence;

    public Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        SweepValidation.Validate(sweep);
        lock (_gate)
        {
            if (_sweeps.TryGetValue(sweep.SweepId, out var stored))
            {
                return Task.FromResult(SweepValidation.SameOrConflict(stored, sweep));
            }

            if (sweep.Trials.FirstOrDefault(t => _trials.ContainsKey(t.TrialId)) is { } taken)
            {
                throw new SweepConflictException(
                    $"Sweep '{sweep.SweepId}' lists trial '{taken.TrialId}', which already belongs to sweep '{_trials[taken.TrialId].Spec.SweepId}'; submit it under another name.");
            }

            _sweeps[sweep.SweepId] = sweep;
            foreach (var trial in sweep.Trials)
            {
                _trials[trial.TrialId] = new TrialEntry(trial);
            }

            return Task.FromResult(sweep);
        }
    }

    public Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            return Task.FromResult(_sweeps.GetValueOrDefault(sweepId));
        }
    }

    public Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<SweepDefinition>>(_sweeps.Values
                .OrderByDescending(s => s.CreatedAt)
                .ThenBy(s => s.SweepId, StringComparer.Ordinal)
                .ToList());
        }
    }

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        lock (_gate)
        {
            var trial = RequireTrial(trialId, "record a status");
            if (trial.Result is null)
            {
                (trial.Status, trial.Steps) = (status, steps);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            var statuses = new Dictionary<string, (TrialStatus Status, int Steps)>(StringComparer.Ordinal);
            foreach (var trial in TrialsOf(sweepId))
            {
                statuses[trial.Spec.TrialId] = (trial.Status, trial.Steps);
            }

            return Task.FromResult<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>>(statuses);
        }
    }

    public Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var bytes = data.ToArray();
        var checkpoint = new Checkpoint(bytes, StorageCodec.Sha256(bytes), DateTimeOffset.UtcNow);
        lock (_gate)
        {
            var checkpoints = RequireTrial(trialId, "store a checkpoint").Checkpoints;
            checkpoints[step] = checkpoint;
            while (checkpoints.Count > CheckpointsKept)
            {
                checkpoints.Remove(checkpoints.Keys.Min());
            }
        }

        return Task.CompletedTask;
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        lock (_gate)
        {
            if (_trials.TryGetValue(trialId, out var trial))
            {
                // Newest first; one that fails its checksum falls back to the older one, as the contract promises.
                foreach (var (step, checkpoint) in trial.Checkpoints.OrderByDescending(c => c.Key))
                {
                    if (StorageCodec.Sha256(checkpoint.Data).AsSpan().SequenceEqual(checkpoint.Sha256))
                    {
                        return Task.FromResult<StoredCheckpoint?>(new StoredCheckpoint(trialId, step, checkpoint.Data.ToArray(), checkpoint.SavedAt));
                    }
                }
            }

            return Task.FromResult<StoredCheckpoint?>(null);
        }
    }

    public Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default)
    {
        ResultValidation.Validate(result);
        var row = result.Row;
        lock (_gate)
        {
            var trial = RequireTrial(row.TrialId, "record a result");
            var spec = trial.Spec;
            ResultValidation.MatchesTrial(row, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed);
            if (trial.Result is not null)
            {
                return Task.FromResult(false);
            }

            (trial.Result, trial.Status, trial.Steps) = (result, row.Status, row.Steps);
            return Task.FromResult(true);
        }
    }

    public Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        lock (_gate)
        {
            return Task.FromResult(_trials.GetValueOrDefault(trialId)?.Result);
        }
    }

    public Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<TrialResultRecord>>(ResultsOf(sweepId).OrderBy(r => r.Row.TrialId, StringComparer.Ordinal).ToList());
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, string>>(ResultsOf(sweepId)
                .Where(r => r.Error is not null)
                .ToDictionary(r => r.Row.TrialId, r => r.Error!, StringComparer.Ordinal));
        }
    }

    public Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default)
    {
        LeaderboardOrder.Validate(query);
        if (query.SweepId is not null)
        {
            StorageCodec.ValidateId(query.SweepId, "sweep id");
        }

        lock (_gate)
        {
            var rows = _trials.Values
                .Where(t => t.Result is not null
                    && (query.SweepId is null || t.Spec.SweepId == query.SweepId)
                    && (query.Dataset is null || t.Spec.Dataset.Name == query.Dataset)
                    && (query.Architecture is null || t.Spec.Architecture == query.Architecture))
                .Select(t => t.Result!.Row)
                .ToList();
            return Task.FromResult(LeaderboardOrder.Apply(rows, query));
        }
    }

    public Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        lock (_gate)
        {
            var counts = _sweeps.Values
                .Where(s => sweepId is null || s.SweepId == sweepId)
                .OrderByDescending(s => s.CreatedAt)
                .ThenBy(s => s.SweepId, StringComparer.Ordinal)
                .Select(s => new SweepCounts(s.SweepId, s.CreatedAt, s.Trials.Length,
                    TrialsOf(s.SweepId).GroupBy(t => t.Status).ToDictionary(g => g.Key, g => g.Count()), []))
                .ToList();
            return Task.FromResult(new SweepOverview(counts, []));
        }
    }

    public Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (take is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
        }

        lock (_gate)
        {
            if (!_sweeps.TryGetValue(sweepId, out var sweep))
            {
                return Task.FromResult<TrialPage?>(null);
            }

            var page = TrialsOf(sweepId).Skip(skip).Take(take ?? int.MaxValue).Select(t => new TrialListing(
                t.Spec.TrialId, t.Spec.SweepId, t.Spec.Dataset.Name, t.Spec.Architecture, t.Spec.Filters, t.Spec.LearningRate, t.Spec.Seed,
                t.Status, t.Steps, t.Result?.Row, t.Result?.Error, null)).ToList();
            return Task.FromResult<TrialPage?>(new TrialPage(sweepId, sweep.GridJson, sweep.Trials.Length, Math.Min(skip, sweep.Trials.Length), page, []));
        }
    }

    /// <summary>Always empty: nothing in memory fails a checksum.</summary>
    public Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Task.FromResult<IReadOnlyList<StoreDamage>>([]);
    }

    public Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        lock (_gate)
        {
            var result = _trials.GetValueOrDefault(trialId)?.Result;
            return Task.FromResult(split switch
            {
                PredictionSplit.Test => result?.TestPredictions,
                PredictionSplit.Dev => result?.DevPredictions,
                _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Not a PredictionSplit."),
            });
        }
    }

    public Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        StudyJson.Validate(sweepId, studyJson);
        lock (_gate)
        {
            if (!_sweeps.ContainsKey(sweepId))
            {
                throw new KeyNotFoundException($"Cannot store a study for sweep '{sweepId}': no such sweep in this in-memory store.");
            }

            _studies[sweepId] = studyJson;
        }

        return Task.CompletedTask;
    }

    public Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            return Task.FromResult(_studies.GetValueOrDefault(sweepId));
        }
    }

    public Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default)
    {
        RungValidation.Validate(sweepId, call);
        lock (_gate)
        {
            if (!_trials.TryGetValue(call.TrialId, out var trial) || trial.Spec.SweepId != sweepId)
            {
                throw new KeyNotFoundException($"Cannot record a rung decision for trial '{call.TrialId}': it is not part of sweep '{sweepId}' in this in-memory store.");
            }

            var key = (call.TrialId, call.Rung);
            if (!_rungs.TryGetValue(key, out var stored))
            {
                _rungs[key] = (++_rungSequence, sweepId, call);
            }
            else if (RungValidation.Replaces(stored.Call.Verdict, call.Verdict))
            {
                // A replaced pause keeps its place in the order.
                _rungs[key] = (stored.Sequence, sweepId, call);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RungCall>>(_rungs.Values
                .Where(r => r.SweepId == sweepId)
                .OrderBy(r => r.Call.Rung)
                .ThenBy(r => r.Sequence)
                .Select(r => r.Call)
                .ToList());
        }
    }

    /// <summary>Always empty: nothing in memory fails a checksum.</summary>
    public Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        return Task.FromResult<IReadOnlyList<StoreDamage>>([]);
    }

    /// <summary>Flips a byte of a stored checkpoint, so its checksum fails (tests of the fallback to the older one).</summary>
    internal void CorruptCheckpoint(string trialId, int step)
    {
        lock (_gate)
        {
            _trials[trialId].Checkpoints[step].Data[0] ^= 0xFF;
        }
    }

    /// <summary>Steps of the checkpoints held for a trial, newest first.</summary>
    internal int[] CheckpointSteps(string trialId)
    {
        lock (_gate)
        {
            return _trials.TryGetValue(trialId, out var trial) ? [.. trial.Checkpoints.Keys.OrderDescending()] : [];
        }
    }

    private TrialEntry RequireTrial(string trialId, string what) =>
        _trials.GetValueOrDefault(trialId)
        ?? throw new KeyNotFoundException($"Cannot {what} for trial '{trialId}': it is not part of any sweep in this in-memory store.");

    private IEnumerable<TrialEntry> TrialsOf(string sweepId) =>
        _sweeps.TryGetValue(sweepId, out var sweep) ? sweep.Trials.Select(t => _trials[t.TrialId]) : [];

    private IEnumerable<TrialResultRecord> ResultsOf(string sweepId) =>
        TrialsOf(sweepId).Where(t => t.Result is not null).Select(t => t.Result!);

    private sealed record Checkpoint(byte[] Data, byte[] Sha256, DateTimeOffset SavedAt);

    private sealed class TrialEntry(TrialSpec spec)
    {
        public TrialSpec Spec { get; } = spec;

        public TrialStatus Status { get; set; } = TrialStatus.Pending;

        public int Steps { get; set; }

        public TrialResultRecord? Result { get; set; }

        public Dictionary<int, Checkpoint> Checkpoints { get; } = [];
    }
}
