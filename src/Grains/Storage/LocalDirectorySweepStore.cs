using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage.Local;
using Sweep.Model.Metrics;

namespace Sweep.Grains.Storage;

/// <summary>
/// The embedded store: one directory on one machine, nothing installed. Layout under the root:
/// <code>
/// sweeps/{sweepId}/sweep.swf                 the SweepDefinition (JSON, sealed)
/// sweeps/{sweepId}/study.swf                 the study report (JSON text, sealed)
/// trials/{trialId}/status.swf                status and steps (JSON, sealed); trial directories appear on first write
/// trials/{trialId}/checkpoint-{step:D10}.swf checkpoint bytes (sealed; the newest two by step are kept)
/// trials/{trialId}/result.bin                the result, written once (see ResultFile)
/// </code>
/// Every file is written to a temp file in the same directory, flushed to disk and renamed into place, and carries a
/// SHA-256 verified on read. Safe for concurrent callers in one process (a lock per trial and per sweep); the result
/// is committed by a no-overwrite rename, so it is written exactly once even across processes. A new instance over
/// the same directory sees everything an earlier one wrote.
/// </summary>
public sealed class LocalDirectorySweepStore : ISweepStore
{
    private const string SweepFile = "sweep.swf";
    private const string StudyFile = "study.swf";
    private const string StatusFile = "status.swf";
    private const string ResultFileName = "result.bin";
    private const string CheckpointPrefix = "checkpoint-";
    private const string CheckpointSuffix = ".swf";
    private const int CheckpointsKept = 2;

    private readonly string _sweepsDirectory;
    private readonly string _trialsDirectory;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredSweep> _sweeps = new(StringComparer.Ordinal);

    /// <param name="rootDirectory">Created if missing.</param>
    public LocalDirectorySweepStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _sweepsDirectory = Path.Combine(RootDirectory, "sweeps");
        _trialsDirectory = Path.Combine(RootDirectory, "trials");
        Directory.CreateDirectory(_sweepsDirectory);
        Directory.CreateDirectory(_trialsDirectory);
    }

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    public async Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        SweepValidation.Validate(sweep);
        using var held = await LockAsync("sweep:" + sweep.SweepId, cancellationToken);
        var existing = await LoadSweepAsync(sweep.SweepId, cancellationToken);
        if (existing is not null)
        {
            return SweepValidation.SameOrConflict(existing.Definition, sweep);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(sweep, StorageCodec.Json);
        Directory.CreateDirectory(SweepDirectory(sweep.SweepId));
        if (!await SealedFile.WriteAsync(SweepPath(sweep.SweepId), 0, sweep.CreatedAt, json, overwrite: false, cancellationToken))
        {
            // Another process created it between our check and our rename.
            _sweeps.TryRemove(sweep.SweepId, out _);
            var winner = await LoadSweepAsync(sweep.SweepId, cancellationToken)
                ?? throw new InvalidOperationException($"Sweep '{sweep.SweepId}' vanished while being created in {RootDirectory}.");
            return SweepValidation.SameOrConflict(winner.Definition, sweep);
        }

        _sweeps[sweep.SweepId] = new StoredSweep(sweep);
        return sweep;
    }

    public async Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        return (await LoadSweepAsync(sweepId, cancellationToken))?.Definition;
    }

    public async Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        var sweeps = new List<SweepDefinition>();
        foreach (var directory in Directory.EnumerateDirectories(_sweepsDirectory))
        {
            if (await LoadSweepAsync(Path.GetFileName(directory), cancellationToken) is { } stored)
            {
                sweeps.Add(stored.Definition);
            }
        }

        return sweeps
            .OrderByDescending(s => s.CreatedAt)
            .ThenBy(s => s.SweepId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        await RequireTrialAsync(trialId, cancellationToken);
        using var held = await LockAsync(trialId, cancellationToken);
        if (File.Exists(ResultPath(trialId)))
        {
            return;
        }

        await WriteStatusAsync(trialId, status, steps, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        var statuses = new Dictionary<string, (TrialStatus Status, int Steps)>(StringComparer.Ordinal);
        if (await LoadSweepAsync(sweepId, cancellationToken) is not { } stored)
        {
            return statuses;
        }

        foreach (var trial in stored.Definition.Trials)
        {
            var content = await SealedFile.ReadAsync(StatusPath(trial.TrialId), cancellationToken);
            var status = content is null
                ? new TrialStatusDocument(TrialStatus.Pending, 0)
                : JsonSerializer.Deserialize<TrialStatusDocument>(content.Payload, StorageCodec.Json)!;
            if (!status.Status.IsFinished() && await ResultFile.ReadDocumentAsync(ResultPath(trial.TrialId), cancellationToken) is { } result)
            {
                // A crash between committing the result and updating the status file: the result is the truth.
                status = new TrialStatusDocument(result.Row.Status, result.Row.Steps);
            }

            statuses[trial.TrialId] = (status.Status, status.Steps);
        }

        return statuses;
    }

    public async Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        await RequireTrialAsync(trialId, cancellationToken);
        using var held = await LockAsync(trialId, cancellationToken);
        await SealedFile.WriteAsync(CheckpointPath(trialId, step), step, DateTimeOffset.UtcNow, data, overwrite: true, cancellationToken);
        foreach (var (_, path) in Checkpoints(trialId).Skip(CheckpointsKept))
        {
            File.Delete(path);
        }
    }

    public async Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        using var held = await LockAsync(trialId, cancellationToken);
        if (!Directory.Exists(TrialDirectory(trialId)))
        {
            return null;
        }

        foreach (var (step, path) in Checkpoints(trialId))
        {
            SealedContent? content;
            try
            {
                content = await SealedFile.ReadAsync(path, cancellationToken);
            }
            catch (InvalidDataException)
            {
                // A damaged newest checkpoint: fall back to the older one, as the contract promises.
                continue;
            }

            if (content is not null && content.Step == step)
            {
                return new StoredCheckpoint(trialId, step, content.Payload.ToArray(), content.SavedAt);
            }
        }

        return null;
    }

    public async Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default)
    {
        ResultValidation.Validate(result);
        var row = result.Row;
        StorageCodec.ValidateId(row.SweepId, "sweep id");
        var spec = await RequireTrialAsync(row.TrialId, cancellationToken);
        using var held = await LockAsync(row.TrialId, cancellationToken);
        ResultValidation.MatchesTrial(row, spec.SweepId, spec.Dataset.Name, spec.Architecture, spec.Filters, spec.LearningRate, spec.Seed);
        if (File.Exists(ResultPath(row.TrialId)))
        {
            return false;
        }

        if (!await AtomicFile.WriteAsync(ResultPath(row.TrialId), overwrite: false, ResultFile.Encode(result), cancellationToken))
        {
            return false;
        }

        await WriteStatusAsync(row.TrialId, row.Status, row.Steps, cancellationToken);
        return true;
    }

    public async Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        return await ResultFile.ReadAsync(ResultPath(trialId), cancellationToken);
    }

    public async Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        var results = new List<TrialResultRecord>();
        if (await LoadSweepAsync(sweepId, cancellationToken) is not { } stored)
        {
            return results;
        }

        foreach (var trialId in stored.Trials.Keys.Order(StringComparer.Ordinal))
        {
            if (await ResultFile.ReadAsync(ResultPath(trialId), cancellationToken) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (await LoadSweepAsync(sweepId, cancellationToken) is not { } stored)
        {
            return errors;
        }

        foreach (var trialId in stored.Trials.Keys)
        {
            if (await ResultFile.ReadDocumentAsync(ResultPath(trialId), cancellationToken) is { Error: { } error })
            {
                errors[trialId] = error;
            }
        }

        return errors;
    }

    public async Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default)
    {
        LeaderboardOrder.Validate(query);
        IEnumerable<string> sweepIds;
        if (query.SweepId is not null)
        {
            StorageCodec.ValidateId(query.SweepId, "sweep id");
            sweepIds = [query.SweepId];
        }
        else
        {
            sweepIds = Directory.EnumerateDirectories(_sweepsDirectory).Select(d => Path.GetFileName(d)!);
        }

        var rows = new List<LeaderboardRow>();
        foreach (var sweepId in sweepIds)
        {
            if (await LoadSweepAsync(sweepId, cancellationToken) is not { } stored)
            {
                continue;
            }

            foreach (var trial in stored.Definition.Trials)
            {
                if ((query.Dataset is null || trial.Dataset.Name == query.Dataset)
                    && (query.Architecture is null || trial.Architecture == query.Architecture)
                    && await ResultFile.ReadDocumentAsync(ResultPath(trial.TrialId), cancellationToken) is { } document)
                {
                    rows.Add(document.Row);
                }
            }
        }

        return LeaderboardOrder.Apply(rows, query);
    }

    public async Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        return await ResultFile.ReadPredictionsAsync(ResultPath(trialId), split, cancellationToken);
    }

    public async Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        var bytes = StudyJson.Validate(sweepId, studyJson);
        using var held = await LockAsync("sweep:" + sweepId, cancellationToken);
        if (await LoadSweepAsync(sweepId, cancellationToken) is null)
        {
            throw new KeyNotFoundException($"Cannot store a study for sweep '{sweepId}': no such sweep in {RootDirectory}.");
        }

        await SealedFile.WriteAsync(StudyPath(sweepId), 0, DateTimeOffset.UtcNow, bytes, overwrite: true, cancellationToken);
    }

    public async Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        var content = await SealedFile.ReadAsync(StudyPath(sweepId), cancellationToken);
        return content is null ? null : System.Text.Encoding.UTF8.GetString(content.Payload);
    }

    private async Task<StoredSweep?> LoadSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (_sweeps.TryGetValue(sweepId, out var cached))
        {
            return cached;
        }

        var content = await SealedFile.ReadAsync(SweepPath(sweepId), cancellationToken);
        if (content is null)
        {
            return null;
        }

        var definition = JsonSerializer.Deserialize<SweepDefinition>(content.Payload, StorageCodec.Json)
            ?? throw new InvalidDataException($"{SweepPath(sweepId)}: empty sweep definition.");
        return _sweeps.GetOrAdd(sweepId, new StoredSweep(definition));
    }

    private async Task WriteStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new TrialStatusDocument(status, steps), StorageCodec.Json);
        await SealedFile.WriteAsync(StatusPath(trialId), steps, DateTimeOffset.UtcNow, json, overwrite: true, cancellationToken);
    }

    /// <summary>The trial's spec, its directory created; throws if no stored sweep lists the trial.</summary>
    private async Task<TrialSpec> RequireTrialAsync(string trialId, CancellationToken cancellationToken)
    {
        var spec = await FindTrialAsync(trialId, cancellationToken)
            ?? throw new KeyNotFoundException($"Trial '{trialId}' is not part of any sweep in {RootDirectory}.");
        Directory.CreateDirectory(TrialDirectory(trialId));
        return spec;
    }

    private async Task<TrialSpec?> FindTrialAsync(string trialId, CancellationToken cancellationToken)
    {
        // Trial ids start with "{sweepId}." by convention (TrialSpec): try those prefixes before looking everywhere.
        for (var dot = trialId.IndexOf('.'); dot > 0; dot = trialId.IndexOf('.', dot + 1))
        {
            var candidate = trialId[..dot];
            if (candidate is not "." and not ".."
                && await LoadSweepAsync(candidate, cancellationToken) is { } stored
                && stored.Trials.TryGetValue(trialId, out var spec))
            {
                return spec;
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(_sweepsDirectory))
        {
            if (await LoadSweepAsync(Path.GetFileName(directory), cancellationToken) is { } stored
                && stored.Trials.TryGetValue(trialId, out var spec))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>Checkpoint files of a trial, newest (highest step) first.</summary>
    private List<(int Step, string Path)> Checkpoints(string trialId)
    {
        var checkpoints = new List<(int Step, string Path)>();
        foreach (var path in Directory.EnumerateFiles(TrialDirectory(trialId), CheckpointPrefix + "*" + CheckpointSuffix))
        {
            var name = Path.GetFileName(path);
            var digits = name[CheckpointPrefix.Length..^CheckpointSuffix.Length];
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                checkpoints.Add((step, path));
            }
        }

        checkpoints.Sort((a, b) => b.Step.CompareTo(a.Step));
        return checkpoints;
    }

    private async Task<Releaser> LockAsync(string key, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken);
        return new Releaser(semaphore);
    }

    private string SweepDirectory(string sweepId) => Path.Combine(_sweepsDirectory, sweepId);

    private string SweepPath(string sweepId) => Path.Combine(_sweepsDirectory, sweepId, SweepFile);

    private string StudyPath(string sweepId) => Path.Combine(_sweepsDirectory, sweepId, StudyFile);

    private string TrialDirectory(string trialId) => Path.Combine(_trialsDirectory, trialId);

    private string StatusPath(string trialId) => Path.Combine(_trialsDirectory, trialId, StatusFile);

    private string ResultPath(string trialId) => Path.Combine(_trialsDirectory, trialId, ResultFileName);

    private string CheckpointPath(string trialId, int step) =>
        Path.Combine(_trialsDirectory, trialId, string.Create(CultureInfo.InvariantCulture, $"{CheckpointPrefix}{step:D10}{CheckpointSuffix}"));

    private sealed class StoredSweep(SweepDefinition definition)
    {
        public SweepDefinition Definition { get; } = definition;

        public Dictionary<string, TrialSpec> Trials { get; } = definition.Trials.ToDictionary(t => t.TrialId, StringComparer.Ordinal);
    }

    private readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
