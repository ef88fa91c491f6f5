using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// The embedded store: one directory on one machine, nothing installed. Layout under the root:
/// <code>
/// sweeps/{sweepId}/sweep.swf                 the SweepDefinition (JSON, sealed)
/// sweeps/{sweepId}/study.swf                 the study report (JSON text, sealed)
/// sweeps/{sweepId}/rungs/rung-{rung:D4}.{trialId}.swf  a decision of the search at a rung (JSON, sealed)
/// trials/{trialId}/status.swf                status and steps (JSON, sealed); trial directories appear on first write
/// trials/{trialId}/checkpoint-{step:D10}.swf checkpoint bytes (sealed; the newest two by step are kept)
/// trials/{trialId}/result.bin                the result, written once (see ResultFile)
/// </code>
/// Every file is written to a temp file in the same directory, flushed to disk and renamed into place, and carries a
/// SHA-256 verified on read. Safe for concurrent callers in one process (a lock per trial and per sweep); the result
/// is committed by a no-overwrite rename, so it is written exactly once even across processes. A new instance over
/// the same directory sees everything an earlier one wrote.
/// A damaged file (bad checksum, truncated, undecodable) never takes a listing down: reads skip it and
/// <see cref="GetDamageAsync"/> names it; a damaged status file is rebuilt from the result or newest good
/// checkpoint, a damaged result is replaced by the rerun's, a damaged definition by the resubmitted grid's.
/// Counts, leaderboards and trial pages read a per-sweep index instead of every trial's files (see the Index part).
/// </summary>
public sealed partial class LocalDirectorySweepStore : ISweepStore
{
    private const string SweepFile = "sweep.swf";
    private const string StudyFile = "study.swf";
    private const string StatusFile = "status.swf";
    private const string ResultFileName = "result.bin";
    private const string CheckpointPrefix = "checkpoint-";
    private const string CheckpointSuffix = ".swf";
    private const int CheckpointsKept = 2;
    private const string RungsDirectoryName = "rungs";
    private const string RungPrefix = "rung-";
    private const string RungSuffix = ".swf";

    private readonly string _sweepsDirectory;
    private readonly string _trialsDirectory;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredSweep> _sweeps = new(StringComparer.Ordinal);

    // The last place in each sweep's order of first recording handed out by this instance (see RungDocument).
    private readonly ConcurrentDictionary<string, long> _rungSequences = new(StringComparer.Ordinal);

    // Result files whose whole content this instance has verified, by path, with the length and write time they had
    // then: a long-lived store (a silo, the dashboard) hashes each result once, not on every listing. A result is
    // written once and replaced only by a repair, which changes both. The document is null where only integrity was
    // asked for (VerifyResult) and is decoded when first needed.
    private readonly ConcurrentDictionary<string, (long Length, DateTime WrittenUtc, ResultDocument? Document)> _verified = new(StringComparer.Ordinal);

    /// <param name="rootDirectory">Created if missing.</param>
    public LocalDirectorySweepStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _sweepsDirectory = Path.Combine(RootDirectory, "sweeps");
        _trialsDirectory = Path.Combine(RootDirectory, "trials");
        StoreDirectory.Check(RootDirectory, writable: false);
        foreach (var directory in new[] { _sweepsDirectory, _trialsDirectory })
        {
            if (Directory.Exists(directory))
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw StoreDirectory.WriteFailed(RootDirectory, directory, e);
            }
        }
    }

    /// <summary>
    /// Throws a one-line <see cref="StoreException"/> naming <paramref name="rootDirectory"/> and suggesting
    /// <c>--store DIR</c> if it cannot hold a store (a file, under a file, under /proc…); with
    /// <paramref name="writable"/>, checks that a file can be written in it (or where it would be created), leaving nothing behind.
    /// </summary>
    public static void CheckDirectory(string rootDirectory, bool writable) =>
        StoreDirectory.Check(Path.GetFullPath(rootDirectory), writable);

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    public async Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        SweepValidation.Validate(sweep);
        using var held = await LockAsync("sweep:" + sweep.SweepId, cancellationToken);
        var (existing, damage) = await ReadSweepAsync(sweep.SweepId, cancellationToken);
        if (existing is not null)
        {
            return SweepValidation.SameOrConflict(existing.Definition, sweep);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(sweep, StorageCodec.Json);
        if (damage is not null)
        {
            // The definition is lost but the trials' results may not be: rebuild it from the grid submitted again,
            // provided every intact result belongs to one of its trials as configured.
            await RequireResultsMatchAsync(sweep, damage, cancellationToken);
            await WriteAsync(() => SealedFile.WriteAsync(SweepPath(sweep.SweepId), 0, sweep.CreatedAt, json, overwrite: true, cancellationToken), SweepPath(sweep.SweepId));
            _sweeps[sweep.SweepId] = new StoredSweep(sweep);
            StoreRepairs.Report($"repaired {damage.Location} ({damage.Reason}): rebuilt from the submitted grid; its stored results are kept");
            return sweep;
        }

        CreateDirectory(SweepDirectory(sweep.SweepId));
        if (!await WriteAsync(() => SealedFile.WriteAsync(SweepPath(sweep.SweepId), 0, sweep.CreatedAt, json, overwrite: false, cancellationToken), SweepPath(sweep.SweepId)))
        {
            // Another process created it between our check and our rename.
            _sweeps.TryRemove(sweep.SweepId, out _);
            var winner = await LoadSweepAsync(sweep.SweepId, cancellationToken)
                ?? throw new InvalidOperationException($"Sweep '{sweep.SweepId}' vanished while being created in {RootDirectory}.");
            return SweepValidation.SameOrConflict(winner.Definition, sweep);
        }

        _sweeps[sweep.SweepId] = new StoredSweep(sweep);
        await CreateIndexAsync(sweep, cancellationToken);
        return sweep;
    }

    public async Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        // A damaged definition reads as none (GetDamageAsync names it), so submitting the grid again rebuilds it.
        return (await ReadSweepAsync(sweepId, cancellationToken)).Sweep?.Definition;
    }

    public async Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        var sweeps = new List<SweepDefinition>();
        foreach (var sweepId in SweepIds())
        {
            if ((await ReadSweepAsync(sweepId, cancellationToken)).Sweep is { } stored)
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
        var spec = await RequireTrialAsync(trialId, cancellationToken);
        using var held = await LockAsync(trialId, cancellationToken);
        var (document, damage) = File.Exists(ResultPath(trialId)) ? await ReadResultDocumentAsync(trialId, cancellationToken) : (null, null);
        if (document is not null)
        {
            return;
        }

        var marker = BeginIndexedWrite(spec.SweepId, trialId);
        await WriteStatusAsync(trialId, status, steps, cancellationToken);
        await EndIndexedWriteAsync(spec.SweepId, marker, IndexedTrial.Of(spec).WithStatus(status, steps, damage), cancellationToken);
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
            var (read, statusDamage) = await ReadStatusAsync(trial.TrialId, cancellationToken);
            var (result, _) = await ReadResultDocumentAsync(trial.TrialId, cancellationToken);
            TrialStatusDocument status;
            if (statusDamage is not null)
            {
                status = await RebuildStatusAsync(trial.TrialId, result, statusDamage, cancellationToken);
            }
            else if (result is not null)
            {
                // The result is the truth (also after a crash between committing it and updating the status file).
                status = new TrialStatusDocument(result.Row.Status, result.Row.Steps);
            }
            else if (read is { Status: var finished } && finished.IsFinished())
            {
                // Finished, but its result is damaged or gone: pending again, to rerun from its newest good checkpoint.
                status = new TrialStatusDocument(TrialStatus.Pending, await NewestCheckpointStepAsync(trial.TrialId, cancellationToken) ?? 0);
            }
            else
            {
                status = read ?? new TrialStatusDocument(TrialStatus.Pending, 0);
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
        await WriteAsync(() => SealedFile.WriteAsync(CheckpointPath(trialId, step), step, DateTimeOffset.UtcNow, data, overwrite: true, cancellationToken), CheckpointPath(trialId, step));
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
                return new StoredCheckpoint(trialId, step, content.Payload, content.SavedAt);
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
        var path = ResultPath(row.TrialId);
        string? marker = null;
        if (File.Exists(path))
        {
            if ((await ReadResultAsync(row.TrialId, cancellationToken)).Damage is not { } damage)
            {
                return false;
            }

            // A damaged result is no result: this rerun's replaces it, and the damaged file is kept beside it.
            marker = BeginIndexedWrite(spec.SweepId, row.TrialId);
            File.Move(path, path + ".damaged", overwrite: true);
            StoreRepairs.Report($"repaired {path} ({damage}): replaced by the rerun's result; the damaged file is kept as {Path.GetFileName(path)}.damaged");
        }

        marker ??= BeginIndexedWrite(spec.SweepId, row.TrialId);
        if (!await WriteAsync(() => AtomicFile.WriteAsync(path, overwrite: false, ResultFile.Encode(result), cancellationToken), path))
        {
            // Another process recorded it first, and its write tells the index.
            await EndIndexedWriteAsync(spec.SweepId, marker, null, cancellationToken);
            return false;
        }

        await WriteStatusAsync(row.TrialId, row.Status, row.Steps, cancellationToken);
        await EndIndexedWriteAsync(spec.SweepId, marker, IndexedTrial.Of(spec).WithResult(row, result.Error), cancellationToken);
        return true;
    }

    public async Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        return (await ReadResultAsync(trialId, cancellationToken)).Result;
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
            if ((await ReadResultAsync(trialId, cancellationToken)).Result is { } result)
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
            if ((await ReadResultDocumentAsync(trialId, cancellationToken, whole: false)).Document is { Error: { } error })
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
            sweepIds = SweepIds();
        }

        var rows = new List<LeaderboardRow>();
        var filter = new IndexedTrialList.RowFilter(query);
        foreach (var sweepId in sweepIds)
        {
            // The rows come from the sweep's index, not from one result file per trial.
            var (index, damage) = await ReadIndexAsync(sweepId, cancellationToken);
            if (index is null)
            {
                if (damage is not null && query.SweepId is not null)
                {
                    throw Unreadable(damage);
                }

                continue;
            }

            // Each sweep's best k (read from the index's bytes; only rows that may rank are decoded), then the best
            // k of those.
            var trials = index.Trials;
            if (query.Top is { } top)
            {
                rows.AddRange(LeaderboardOrder.Best(trials.Count, top, query.Metric, (int i, out double value) => trials.TryMetric(i, filter, out value), i => trials[i].Row!));
            }
            else
            {
                for (var i = 0; i < trials.Count; i++)
                {
                    if (trials.TryMetric(i, filter, out _))
                    {
                        rows.Add(trials[i].Row!);
                    }
                }
            }
        }

        return LeaderboardOrder.Apply(rows, query);
    }

    public async Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        try
        {
            return await ResultFile.ReadPredictionsAsync(ResultPath(trialId), split, cancellationToken);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new StoreException(
                $"trial '{trialId}' has no readable predictions: {ResultPath(trialId)} is damaged ({Reason(e, ResultPath(trialId))}); submit its grid again to rerun the trial",
                ResultPath(trialId),
                "submit the sweep's grid again",
                e);
        }
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

        await WriteAsync(() => SealedFile.WriteAsync(StudyPath(sweepId), 0, DateTimeOffset.UtcNow, bytes, overwrite: true, cancellationToken), StudyPath(sweepId));
    }

    public async Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        try
        {
            var content = await SealedFile.ReadAsync(StudyPath(sweepId), cancellationToken);
            return content is null ? null : System.Text.Encoding.UTF8.GetString(content.Payload);
        }
        catch (Exception e) when (IsDamage(e))
        {
            StoreRepairs.Report($"{StudyPath(sweepId)} is damaged ({Reason(e, StudyPath(sweepId))}): the study is recomputed from the results");
            return null;
        }
    }

    public async Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default)
    {
        RungValidation.Validate(sweepId, call);
        // One writer of a sweep's rung files at a time: the check of the stored verdict and the rename that
        // replaces it are one step for this process, and StoreLock keeps other processes out of the directory.
        using var held = await LockAsync("rungs:" + sweepId, cancellationToken);
        if (await LoadSweepAsync(sweepId, cancellationToken) is not { } stored || !stored.Trials.ContainsKey(call.TrialId))
        {
            throw new KeyNotFoundException($"Cannot record a rung decision for trial '{call.TrialId}': it is not part of sweep '{sweepId}' in {RootDirectory}.");
        }

        var path = RungPath(sweepId, call.TrialId, call.Rung);
        var (existing, damage) = await ReadRungAsync(path, call.TrialId, call.Rung, cancellationToken);
        if (existing is not null && !RungValidation.Replaces(existing.Call.Verdict, call.Verdict))
        {
            return;
        }

        // A replaced pause keeps its place in the order; a new (or damaged, so unreadable) decision goes last.
        var sequence = existing?.Sequence ?? await NextRungSequenceAsync(sweepId, cancellationToken);
        CreateDirectory(RungsDirectory(sweepId));
        var json = JsonSerializer.SerializeToUtf8Bytes(new RungDocument(sequence, call), StorageCodec.Json);
        await WriteAsync(() => SealedFile.WriteAsync(path, call.Step, DateTimeOffset.UtcNow, json, overwrite: true, cancellationToken), path);
        if (damage is not null)
        {
            StoreRepairs.Report($"repaired {path} ({damage}): replaced by the decision recorded again");
        }
    }

    public async Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        if (await LoadSweepAsync(sweepId, cancellationToken) is null)
        {
            return [];
        }

        var documents = new List<RungDocument>();
        foreach (var (trialId, rung, path) in RungFiles(sweepId))
        {
            // A damaged decision reads as not made (GetDamageAsync names it), so the rung decides it again.
            if ((await ReadRungAsync(path, trialId, rung, cancellationToken)).Document is { } document)
            {
                documents.Add(document);
            }
        }

        return documents
            .OrderBy(d => d.Call.Rung)
            .ThenBy(d => d.Sequence)
            .ThenBy(d => d.Call.TrialId, StringComparer.Ordinal)
            .Select(d => d.Call)
            .ToList();
    }

    public async Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        var damage = new List<StoreDamage>();
        foreach (var id in sweepId is null ? SweepIds() : [sweepId])
        {
            var (stored, sweepDamage) = await ReadSweepAsync(id, cancellationToken);
            if (sweepDamage is not null)
            {
                damage.Add(sweepDamage);
            }

            if (stored is null)
            {
                continue;
            }

            try
            {
                await SealedFile.ReadAsync(StudyPath(id), cancellationToken);
            }
            catch (Exception e) when (IsDamage(e))
            {
                damage.Add(new StoreDamage(StoreDamageKind.Study, id, null, StudyPath(id), Reason(e, StudyPath(id))));
            }

            foreach (var (trialId, rung, path) in RungFiles(id))
            {
                if ((await ReadRungAsync(path, trialId, rung, cancellationToken)).Damage is { } rungDamage)
                {
                    damage.Add(new StoreDamage(StoreDamageKind.Rung, id, trialId, path, rungDamage));
                }
            }

            foreach (var trial in stored.Definition.Trials)
            {
                var (status, statusDamage) = await ReadStatusAsync(trial.TrialId, cancellationToken);
                if (statusDamage is not null)
                {
                    damage.Add(new StoreDamage(StoreDamageKind.Status, id, trial.TrialId, StatusPath(trial.TrialId), statusDamage));
                }

                var (result, resultDamage) = await ReadResultDocumentAsync(trial.TrialId, cancellationToken);
                if (resultDamage is not null)
                {
                    damage.Add(new StoreDamage(StoreDamageKind.Result, id, trial.TrialId, ResultPath(trial.TrialId), resultDamage));
                }
                else if (result is null && status is { Status: var s } && s.IsFinished())
                {
                    damage.Add(new StoreDamage(StoreDamageKind.Result, id, trial.TrialId, ResultPath(trial.TrialId), $"missing, though the trial's status says {s.ToString().ToLowerInvariant()}"));
                }
            }
        }

        return damage;
    }

    /// <summary>The stored sweep (cached once read), or null when it does not exist.</summary>
    /// <exception cref="StoreException">Its definition is damaged.</exception>
    private async Task<StoredSweep?> LoadSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        var (stored, damage) = await ReadSweepAsync(sweepId, cancellationToken);
        return damage is null ? stored : throw Unreadable(damage);
    }

    private static StoreException Unreadable(StoreDamage damage) => new(
        $"sweep '{damage.SweepId}' cannot be read: {damage.Location} is damaged ({damage.Reason}); submit its grid again to rebuild it",
        damage.Location,
        "submit the sweep's grid again");

    /// <summary>The stored sweep, or why its definition is damaged; both null when it does not exist.</summary>
    private async Task<(StoredSweep? Sweep, StoreDamage? Damage)> ReadSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (_sweeps.TryGetValue(sweepId, out var cached))
        {
            return (cached, null);
        }

        var path = SweepPath(sweepId);
        try
        {
            var content = await SealedFile.ReadAsync(path, cancellationToken);
            if (content is null)
            {
                return (null, null);
            }

            var definition = JsonSerializer.Deserialize<SweepDefinition>(content.Payload, StorageCodec.Json)
                ?? throw new InvalidDataException($"{path}: empty sweep definition.");
            return (_sweeps.GetOrAdd(sweepId, new StoredSweep(definition)), null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, new StoreDamage(StoreDamageKind.Sweep, sweepId, null, path, Reason(e, path)));
        }
    }

    /// <summary>The trial's status document, or why it is damaged; both null when there is none yet.</summary>
    private async Task<(TrialStatusDocument? Status, string? Damage)> ReadStatusAsync(string trialId, CancellationToken cancellationToken)
    {
        var path = StatusPath(trialId);
        try
        {
            var content = await SealedFile.ReadAsync(path, cancellationToken);
            return content is null
                ? (null, null)
                : (JsonSerializer.Deserialize<TrialStatusDocument>(content.Payload, StorageCodec.Json) ?? throw new InvalidDataException($"{path}: empty status document."), null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, Reason(e, path));
        }
    }

    /// <summary>
    /// The JSON section of the trial's result, or why it is damaged; both null when it has none. With
    /// <paramref name="whole"/> both sections are verified (status, damage, repair); without, only the JSON one
    /// (leaderboard rows and errors, which must stay fast; the CLI drops rows that the damage listing names).
    /// </summary>
    private async Task<(ResultDocument? Document, string? Damage)> ReadResultDocumentAsync(string trialId, CancellationToken cancellationToken, bool whole = true)
    {
        var path = ResultPath(trialId);
        try
        {
            if (!whole)
            {
                return (await ResultFile.ReadDocumentAsync(path, cancellationToken), null);
            }
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return (null, null);
            }
            var known = Verified(path, file);
            if (known is { Document: { } cached })
            {
                return (cached, null);
            }
            var document = known is not null
                ? await ResultFile.ReadDocumentAsync(path, cancellationToken)
                : await ResultFile.ReadVerifiedDocumentAsync(path, cancellationToken);
            if (document is not null)
            {
                _verified[path] = (file.Length, file.LastWriteTimeUtc, document);
            }
            return (document, null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, Reason(e, path));
        }
    }

    /// <summary>
    /// Whether the trial has a result file and, if so, why it is damaged (null when intact): both sections'
    /// checksums, without decoding either.
    /// </summary>
    private (bool Present, string? Damage) VerifyResult(string trialId)
    {
        var path = ResultPath(trialId);
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return (false, null);
            }
            if (Verified(path, file) is not null)
            {
                return (true, null);
            }
            if (!ResultFile.Verify(path))
            {
                return (false, null);
            }
            // Any entry there is of an older version of the file (Verified found none of this one).
            _verified[path] = (file.Length, file.LastWriteTimeUtc, null);
            return (true, null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (true, Reason(e, path));
        }
    }

    /// <summary>What this instance verified of <paramref name="file"/>, if it has not changed since; else null.</summary>
    private (long Length, DateTime WrittenUtc, ResultDocument? Document)? Verified(string path, FileInfo file) =>
        _verified.TryGetValue(path, out var known) && known.Length == file.Length && known.WrittenUtc == file.LastWriteTimeUtc ? known : null;

    /// <summary>The whole verified result, or why it is damaged; both null when it has none.</summary>
    private async Task<(TrialResultRecord? Result, string? Damage)> ReadResultAsync(string trialId, CancellationToken cancellationToken)
    {
        var path = ResultPath(trialId);
        try
        {
            return (await ResultFile.ReadAsync(path, cancellationToken), null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, Reason(e, path));
        }
    }

    /// <summary>The decision in a rung file, or why it is damaged; both null when there is none.</summary>
    private static async Task<(RungDocument? Document, string? Damage)> ReadRungAsync(string path, string trialId, int rung, CancellationToken cancellationToken)
    {
        try
        {
            var content = await SealedFile.ReadAsync(path, cancellationToken);
            if (content is null)
            {
                return (null, null);
            }

            var document = JsonSerializer.Deserialize<RungDocument>(content.Payload, StorageCodec.Json)
                ?? throw new InvalidDataException($"{path}: empty rung decision.");
            if (document.Call is null || document.Call.TrialId != trialId || document.Call.Rung != rung || document.Call.Standings.IsDefault)
            {
                throw new InvalidDataException($"{path}: it holds a decision for another trial or rung than its name says, or none.");
            }

            return (document, null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, Reason(e, path));
        }
    }

    /// <summary>The next place in the sweep's order of first recording; call under the sweep's rung lock.</summary>
    private async Task<long> NextRungSequenceAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (!_rungSequences.TryGetValue(sweepId, out var last))
        {
            // First write of this instance: continue after what earlier instances recorded.
            foreach (var (trialId, rung, path) in RungFiles(sweepId))
            {
                if ((await ReadRungAsync(path, trialId, rung, cancellationToken)).Document is { } document)
                {
                    last = Math.Max(last, document.Sequence);
                }
            }
        }

        _rungSequences[sweepId] = last + 1;
        return last + 1;
    }

    /// <summary>The sweep's rung files, with the trial and rung their names give.</summary>
    private List<(string TrialId, int Rung, string Path)> RungFiles(string sweepId)
    {
        var files = new List<(string TrialId, int Rung, string Path)>();
        var directory = RungsDirectory(sweepId);
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(directory, RungPrefix + "*" + RungSuffix))
        {
            var name = Path.GetFileName(path)[RungPrefix.Length..^RungSuffix.Length];
            var dot = name.IndexOf('.');
            if (dot > 0
                && int.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var rung)
                && name[(dot + 1)..] is { Length: > 0 } trialId)
            {
                files.Add((trialId, rung, path));
            }
        }

        return files;
    }

    /// <summary>Rewrites a damaged status file from what is intact: the result if there is one, else the newest good checkpoint.</summary>
    private async Task<TrialStatusDocument> RebuildStatusAsync(string trialId, ResultDocument? result, string damage, CancellationToken cancellationToken)
    {
        TrialStatusDocument status;
        string from;
        if (result is not null)
        {
            status = new TrialStatusDocument(result.Row.Status, result.Row.Steps);
            from = $"its result ({result.Row.Status.ToString().ToLowerInvariant()} at step {result.Row.Steps})";
        }
        else if (await NewestCheckpointStepAsync(trialId, cancellationToken) is { } step)
        {
            status = new TrialStatusDocument(TrialStatus.Pending, step);
            from = $"its checkpoint at step {step} (pending)";
        }
        else
        {
            status = new TrialStatusDocument(TrialStatus.Pending, 0);
            from = "nothing intact: pending from step 0";
        }

        try
        {
            using var held = await LockAsync(trialId, cancellationToken);
            await WriteStatusAsync(trialId, status.Status, status.Steps, cancellationToken);
            StoreRepairs.Report($"repaired {StatusPath(trialId)} ({damage}): rebuilt from {from}");
        }
        catch (StoreException e)
        {
            StoreRepairs.Report($"{StatusPath(trialId)} is damaged ({damage}); read as rebuilt from {from}, but not rewritten: {e.Message}");
        }

        return status;
    }

    private async Task<int?> NewestCheckpointStepAsync(string trialId, CancellationToken cancellationToken) =>
        (await LoadCheckpointAsync(trialId, cancellationToken))?.Step;

    /// <summary>Every result intact under the sweep's id must be one of the new definition's trials as configured.</summary>
    private async Task RequireResultsMatchAsync(SweepDefinition sweep, StoreDamage damage, CancellationToken cancellationToken)
    {
        foreach (var trial in sweep.Trials)
        {
            if ((await ReadResultDocumentAsync(trial.TrialId, cancellationToken)).Document is not { } document)
            {
                continue;
            }

            try
            {
                ResultValidation.MatchesTrial(document.Row, trial.SweepId, trial.Dataset.Name, trial.Architecture, trial.Filters, trial.LearningRate, trial.Seed);
            }
            catch (ArgumentException e)
            {
                throw new SweepConflictException(
                    $"sweep '{sweep.SweepId}': {damage.Location} is damaged ({damage.Reason}) and the grid submitted does not match its stored results ({e.Message}); submit it under a new name");
            }

            if (document.Row.Steps > trial.Training.Steps)
            {
                throw new SweepConflictException(
                    $"sweep '{sweep.SweepId}': {damage.Location} is damaged ({damage.Reason}) and trial {trial.TrialId} has a stored result of {document.Row.Steps} steps, more than the {trial.Training.Steps} the grid submitted asks for; submit it under a new name");
            }
        }
    }

    private async Task WriteStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new TrialStatusDocument(status, steps), StorageCodec.Json);
        await WriteAsync(() => SealedFile.WriteAsync(StatusPath(trialId), steps, DateTimeOffset.UtcNow, json, overwrite: true, cancellationToken), StatusPath(trialId));
    }

    /// <summary>Runs a write of <paramref name="path"/>; a file-system refusal becomes one line naming the file and the store.</summary>
    private async Task<bool> WriteAsync(Func<Task<bool>> write, string path)
    {
        try
        {
            return await write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StoreDirectory.WriteFailed(RootDirectory, path, e);
        }
    }

    private void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StoreDirectory.WriteFailed(RootDirectory, path, e);
        }
    }

    private IEnumerable<string> SweepIds() => Directory.EnumerateDirectories(_sweepsDirectory).Select(d => Path.GetFileName(d)!);

    /// <summary>A stored file that fails its checksum, is cut short, or does not decode: damage, not a bug.</summary>
    private static bool IsDamage(Exception e) => e is InvalidDataException or JsonException or EndOfStreamException;

    /// <summary>Why a file is damaged, without repeating its path (and without a .NET type name).</summary>
    private static string Reason(Exception e, string path) => e switch
    {
        JsonException => "its contents do not decode",
        EndOfStreamException => "truncated",
        _ when e.Message.StartsWith(path + ": ", StringComparison.Ordinal) => e.Message[(path.Length + 2)..].TrimEnd('.'),
        _ => e.Message.TrimEnd('.'),
    };

    /// <summary>The trial's spec, its directory created; throws if no stored sweep lists the trial.</summary>
    private async Task<TrialSpec> RequireTrialAsync(string trialId, CancellationToken cancellationToken)
    {
        var spec = await FindTrialAsync(trialId, cancellationToken)
            ?? throw new KeyNotFoundException($"Trial '{trialId}' is not part of any sweep in {RootDirectory}.");
        CreateDirectory(TrialDirectory(trialId));
        return spec;
    }

    private async Task<TrialSpec?> FindTrialAsync(string trialId, CancellationToken cancellationToken)
    {
        // Trial ids start with "{sweepId}." by convention (TrialSpec): try those prefixes before looking everywhere.
        for (var dot = trialId.IndexOf('.'); dot > 0; dot = trialId.IndexOf('.', dot + 1))
        {
            var candidate = trialId[..dot];
            if (candidate is not "." and not ".."
                && (await ReadSweepAsync(candidate, cancellationToken)).Sweep is { } stored
                && stored.Trials.TryGetValue(trialId, out var spec))
            {
                return spec;
            }
        }

        foreach (var sweepId in SweepIds())
        {
            if ((await ReadSweepAsync(sweepId, cancellationToken)).Sweep is { } stored
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

    private string RungsDirectory(string sweepId) => Path.Combine(_sweepsDirectory, sweepId, RungsDirectoryName);

    private string RungPath(string sweepId, string trialId, int rung) =>
        Path.Combine(RungsDirectory(sweepId), string.Create(CultureInfo.InvariantCulture, $"{RungPrefix}{rung:D4}.{trialId}{RungSuffix}"));

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
