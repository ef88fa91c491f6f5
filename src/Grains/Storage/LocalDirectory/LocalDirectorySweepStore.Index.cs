using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// The per-sweep index behind the queries that must not grow with the store (counts, leaderboards, trial pages):
/// <c>sweeps/{sweepId}/index.swi</c> (see <see cref="SweepIndexFile"/>) holds each trial's status, steps, leaderboard
/// row and error, so a query reads one file instead of one or two per trial.
/// <para>
/// It is kept true to the files by one rule: a status or result write first leaves a marker,
/// <c>sweeps/{sweepId}/index.pending/{trialId}~{pid}~{guid}</c>, then writes its file, then appends the trial's new
/// state to the index, and only then removes the marker. A reader applies the index and reads each marked trial from
/// its files. So a process killed anywhere in a write leaves its marker, and the index is never trusted for that
/// trial. A power loss may lose a marker or an append the page cache held (neither is flushed, which would cost two
/// disk flushes per write): so the index records the boot it was written in (Linux <c>boot_id</c>), and one from an
/// earlier boot is rebuilt; where the boot cannot be known, markers and appends are flushed to disk instead. An
/// index that is missing, cut short or fails a checksum, or that was built from another <c>sweep.swf</c> (length and
/// write time), is rebuilt from the files too. Appends hold <c>index.lock</c> (an OS
/// lock, so other processes wait too); when the appended frames outweigh the snapshot the writer compacts the log.
/// </para>
/// A file damaged behind the store's back after it was indexed is found where it is read whole: a trial page, a
/// verification of the rows shown, and the full reads (<see cref="GetTrialStatusesAsync"/>, <see cref="GetDamageAsync"/>).
/// </summary>
public sealed partial class LocalDirectorySweepStore
{
    private const string IndexFileName = "index.swi";
    private const string IndexLockFileName = "index.lock";
    private const string PendingDirectoryName = "index.pending";
    private const char MarkerSeparator = '~';

    // This boot of the machine (Linux); null where unknown, and then the index's markers and appends are flushed.
    private static readonly string? CurrentBoot = ReadBootId();

    // Indexes decoded by this instance, with the length and write time their file had: a long-lived store (a silo,
    // the dashboard) decodes a sweep's index again only after it changed.
    private readonly ConcurrentDictionary<string, (long Length, DateTime WrittenUtc, SweepIndex Index, bool Current)> _indexes = new(StringComparer.Ordinal);

    // Markers of this instance's writes in flight (file names): never removed by a rebuild.
    private readonly ConcurrentDictionary<string, byte> _liveMarkers = new(StringComparer.Ordinal);

    public async Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        var sweeps = new List<SweepCounts>();
        var damage = new List<StoreDamage>();
        foreach (var id in sweepId is null ? SweepIds() : Directory.Exists(SweepDirectory(sweepId)) ? [sweepId] : [])
        {
            var (index, sweepDamage) = await ReadIndexAsync(id, cancellationToken);
            if (sweepDamage is not null)
            {
                damage.Add(sweepDamage);
            }

            if (index is null)
            {
                continue;
            }

            // One status byte per trial; only a damaged one is decoded.
            var byStatus = new int[(int)Enum.GetValues<TrialStatus>().Max() + 1];
            var damaged = new List<string>();
            for (var i = 0; i < index.Trials.Count; i++)
            {
                if (index.Trials.IsDamagedAt(i))
                {
                    var trial = index.Trials[i];
                    damaged.Add(trial.TrialId);
                    damage.Add(ResultDamage(id, trial.TrialId, trial.Damage!));
                }
                else
                {
                    byStatus[(int)index.Trials.StatusAt(i)]++;
                }
            }

            var statuses = new Dictionary<TrialStatus, int>();
            for (var s = 0; s < byStatus.Length; s++)
            {
                if (byStatus[s] > 0)
                {
                    statuses[(TrialStatus)s] = byStatus[s];
                }
            }

            sweeps.Add(new SweepCounts(id, index.CreatedAt, index.Trials.Count, statuses, damaged));
        }

        return new SweepOverview(
            [.. sweeps.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.SweepId, StringComparer.Ordinal)],
            damage);
    }

    public async Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (take is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
        }

        var (index, sweepDamage) = await ReadIndexAsync(sweepId, cancellationToken);
        if (index is null)
        {
            return sweepDamage is null ? null : throw Unreadable(sweepDamage);
        }

        var first = Math.Min(skip, index.Trials.Count);
        var count = Math.Min(take ?? int.MaxValue, index.Trials.Count - first);
        var listings = new List<TrialListing>(count);
        var damage = new List<StoreDamage>();
        for (var i = first; i < first + count; i++)
        {
            var indexed = index.Trials[i];
            var trial = indexed.Row is null ? indexed : await VerifyIndexedResultAsync(index, indexed, cancellationToken);
            StoreDamage? found = trial.Damage is { } reason ? ResultDamage(sweepId, trial.TrialId, reason) : null;
            if (found is not null)
            {
                damage.Add(found);
            }

            listings.Add(new TrialListing(trial.TrialId, sweepId, trial.Dataset, trial.Architecture, trial.Filters, trial.LearningRate, trial.Seed,
                trial.Status, trial.Steps, trial.Row, trial.Error, found));
        }

        return new TrialPage(sweepId, index.GridJson, index.Trials.Count, first, listings, damage);
    }

    public async Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var damage = new List<StoreDamage>();
        foreach (var bySweep in rows.GroupBy(r => r.SweepId, StringComparer.Ordinal))
        {
            StorageCodec.ValidateId(bySweep.Key, "sweep id");
            if ((await ReadIndexAsync(bySweep.Key, cancellationToken)).Index is not { } index)
            {
                continue;
            }

            foreach (var row in bySweep)
            {
                StorageCodec.ValidateId(row.TrialId, "trial id");
            }

            var positions = index.Trials.Locate([.. bySweep.Select(r => r.TrialId)]);
            foreach (var row in bySweep)
            {
                if (positions.TryGetValue(row.TrialId, out var position)
                    && index.Trials[position] is { Row: not null } indexed
                    && (await VerifyIndexedResultAsync(index, indexed, cancellationToken)).Damage is { } reason)
                {
                    damage.Add(ResultDamage(bySweep.Key, row.TrialId, reason));
                }
            }
        }

        return damage;
    }

    private StoreDamage ResultDamage(string sweepId, string trialId, string reason) =>
        new(StoreDamageKind.Result, sweepId, trialId, ResultPath(trialId), reason);

    /// <summary>
    /// <paramref name="trial"/> as its result file says when read whole (checksums of both sections; its row is the
    /// index's, parsed from those bytes when they were written): unchanged if intact, else damaged, which the index is
    /// told so that counts show it.
    /// </summary>
    private async Task<IndexedTrial> VerifyIndexedResultAsync(SweepIndex index, IndexedTrial trial, CancellationToken cancellationToken)
    {
        var (present, damage) = VerifyResult(trial.TrialId);
        if (present && damage is null)
        {
            return trial;
        }

        var damaged = trial.WithStatus(TrialStatus.Pending, trial.Steps, damage ?? $"missing, though the trial's status says {trial.Status.ToString().ToLowerInvariant()}");
        await AppendIndexAsync(index.SweepId, damaged, cancellationToken);
        return damaged;
    }

    /// <summary>
    /// The sweep's index, with every trial that has a write in flight (or cut off by a crash) read from its files; or
    /// the damage of its definition; both null when there is no such sweep.
    /// </summary>
    private async Task<(SweepIndex? Index, StoreDamage? Damage)> ReadIndexAsync(string sweepId, CancellationToken cancellationToken)
    {
        var definition = new FileInfo(SweepPath(sweepId));
        if (!definition.Exists)
        {
            return (null, null);
        }

        var loaded = LoadIndexFile(sweepId);
        var index = loaded is { Clean: true, Index: var sound } && Trusted(sound, definition) ? sound : null;
        if (index is not null && loaded is { Current: false })
        {
            await UpgradeIndexAsync(sweepId, cancellationToken);
        }

        if (index is null)
        {
            var (rebuilt, damage) = await RebuildIndexAsync(sweepId, cancellationToken);
            if (rebuilt is null)
            {
                return (null, damage);
            }

            index = rebuilt;
        }

        var pending = PendingTrials(sweepId);
        if (pending.Count == 0)
        {
            return (index, null);
        }

        var changed = new List<IndexedTrial>();
        foreach (var position in index.Trials.Locate(pending).Values)
        {
            changed.Add(await ReadIndexedTrialAsync(index.Trials[position], cancellationToken));
        }

        return (index.With(changed), null);
    }

    /// <summary>
    /// The index file decoded (from this instance's cache if unchanged), and whether its snapshot is written as now;
    /// null if there is none.
    /// </summary>
    private (SweepIndex Index, bool Clean, bool Current)? LoadIndexFile(string sweepId)
    {
        var path = IndexPath(sweepId);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return null;
        }

        if (_indexes.TryGetValue(sweepId, out var cached) && cached.Length == file.Length && cached.WrittenUtc == file.LastWriteTimeUtc)
        {
            return (cached.Index, true, cached.Current);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var (index, clean) = SweepIndexFile.Decode(bytes);
        if (index is null || index.SweepId != sweepId)
        {
            return null;
        }

        var current = SweepIndexFile.IsCurrent(bytes);
        if (clean)
        {
            _indexes[sweepId] = (bytes.Length, file.LastWriteTimeUtc, index, current);
        }

        return (index, clean, current);
    }

    /// <summary>
    /// Rewrites an index whose snapshot has the earlier SHA-256 frames as it is written now (a compaction), once, so
    /// that reads of a sweep nothing writes to any more stop paying for SHA-256; a read-only store keeps it as it is.
    /// </summary>
    private async Task UpgradeIndexAsync(string sweepId, CancellationToken cancellationToken)
    {
        using var held = await LockAsync("index:" + sweepId, cancellationToken);
        using var fileLock = await LockIndexFileAsync(sweepId, cancellationToken);
        if (fileLock is null)
        {
            return;
        }

        try
        {
            var start = new byte[4];
            await using (var file = new FileStream(IndexPath(sweepId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                if (await file.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken) < start.Length || SweepIndexFile.IsCurrent(start))
                {
                    // Another writer got here first (or the file is too short to be an index: the next read rebuilds it).
                    return;
                }
            }

            await CompactIndexAsync(sweepId, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The old index still answers; the next read tries again.
        }
    }

    /// <summary>
    /// Builds the sweep's index from its files and stores it, under the index lock; returns the index another
    /// writer left if it is sound by then. Null and the damage when the definition itself is damaged.
    /// </summary>
    private async Task<(SweepIndex? Index, StoreDamage? Damage)> RebuildIndexAsync(string sweepId, CancellationToken cancellationToken)
    {
        using var held = await LockAsync("index:" + sweepId, cancellationToken);
        using var fileLock = await LockIndexFileAsync(sweepId, cancellationToken);
        var definition = new FileInfo(SweepPath(sweepId));
        if (LoadIndexFile(sweepId) is { Clean: true } loaded && Trusted(loaded.Index, definition))
        {
            return (loaded.Index, null);
        }

        // The definition as on disk now, not as this instance may have cached it.
        _sweeps.TryRemove(sweepId, out _);
        var (stored, damage) = await ReadSweepAsync(sweepId, cancellationToken);
        if (stored is null)
        {
            return (null, damage);
        }

        var markers = Markers(sweepId);
        var trials = new IndexedTrial[stored.Definition.Trials.Length];
        for (var i = 0; i < trials.Length; i++)
        {
            trials[i] = await ReadIndexedTrialAsync(IndexedTrial.Of(stored.Definition.Trials[i]), cancellationToken);
        }

        var index = new SweepIndex(CurrentBoot ?? "", sweepId, stored.Definition.GridHash, stored.Definition.GridJson, stored.Definition.CreatedAt,
            definition.Length, definition.LastWriteTimeUtc.Ticks, trials);
        if (fileLock is not null)
        {
            await StoreIndexAsync(index, cancellationToken);
            RemoveDeadMarkers(markers);
        }

        return (index, null);
    }

    /// <summary>The index of a sweep just created (every trial pending), stored beside its definition.</summary>
    private async Task CreateIndexAsync(SweepDefinition sweep, CancellationToken cancellationToken)
    {
        using var held = await LockAsync("index:" + sweep.SweepId, cancellationToken);
        using var fileLock = await LockIndexFileAsync(sweep.SweepId, cancellationToken);
        var definition = new FileInfo(SweepPath(sweep.SweepId));
        var index = new SweepIndex(CurrentBoot ?? "", sweep.SweepId, sweep.GridHash, sweep.GridJson, sweep.CreatedAt, definition.Length, definition.LastWriteTimeUtc.Ticks,
            [.. sweep.Trials.Select(IndexedTrial.Of)]);
        await StoreIndexAsync(index, cancellationToken);
    }

    /// <summary>Writes <paramref name="index"/> as a fresh snapshot, atomically; a store that refuses the write keeps its old index (or none).</summary>
    private async Task StoreIndexAsync(SweepIndex index, CancellationToken cancellationToken)
    {
        try
        {
            await AtomicFile.WriteAsync(IndexPath(index.SweepId), overwrite: true, [SweepIndexFile.EncodeSnapshot(index)], cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The index is derived from the files: without it queries are slower, never wrong.
        }
    }

    /// <summary>
    /// Appends a trial's new state to the sweep's index and flushes it. Without an index file it does nothing (the
    /// next reader rebuilds one); a store that refuses the write leaves the index as it was, and the caller's marker
    /// in place, so readers still see the truth.
    /// </summary>
    private async Task<bool> AppendIndexAsync(string sweepId, IndexedTrial trial, CancellationToken cancellationToken)
    {
        using var held = await LockAsync("index:" + sweepId, cancellationToken);
        using var fileLock = await LockIndexFileAsync(sweepId, cancellationToken);
        if (fileLock is null || !File.Exists(IndexPath(sweepId)))
        {
            return false;
        }

        try
        {
            long length;
            var start = new byte[16];
            await using (var log = new FileStream(IndexPath(sweepId), FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            {
                var read = await log.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken);
                log.Seek(0, SeekOrigin.End);
                await log.WriteAsync(SweepIndexFile.EncodeTrial(trial), cancellationToken);
                await log.FlushAsync(cancellationToken);
                log.Flush(flushToDisk: CurrentBoot is null);
                length = log.Length;
                if (SweepIndexFile.SnapshotLength(start.AsSpan(0, read)) is not { } snapshot || length <= 2 * snapshot + (64 << 10))
                {
                    return true;
                }
            }

            await CompactIndexAsync(sweepId, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Rewrites the log as one snapshot, folding in trials whose writers died; call under the index lock.</summary>
    private async Task CompactIndexAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (SweepIndexFile.Decode(await File.ReadAllBytesAsync(IndexPath(sweepId), cancellationToken)) is not { Index: { } index, Clean: true })
        {
            // Not sound: the next reader rebuilds it from the files.
            return;
        }

        var dead = Markers(sweepId).Where(IsDeadMarker).ToList();
        var changed = new List<IndexedTrial>();
        foreach (var position in index.Trials.Locate([.. dead.Select(m => MarkerTrialId(Path.GetFileName(m))).Distinct(StringComparer.Ordinal)]).Values)
        {
            changed.Add(await ReadIndexedTrialAsync(index.Trials[position], cancellationToken));
        }

        await StoreIndexAsync(index.With(changed), cancellationToken);
        RemoveDeadMarkers(dead);
    }

    /// <summary>
    /// Takes <c>index.lock</c> of the sweep (waiting for another process that holds it); null when the store cannot
    /// be written at all (a read-only store), where the index is read and rebuilt in memory only.
    /// </summary>
    private async Task<FileStream?> LockIndexFileAsync(string sweepId, CancellationToken cancellationToken)
    {
        var path = Path.Combine(SweepDirectory(sweepId), IndexLockFileName);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            catch (IOException e) when (e.GetType() == typeof(IOException) && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                // Held by another process: index writes are short, so poll.
                await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
            }
            catch (Exception e) when (e is IOException && e.GetType() != typeof(IOException))
            {
                // A missing directory or a full disk: no index write now.
                return null;
            }
        }
    }

    /// <summary>
    /// Leaves the marker of a write about to change <paramref name="trialId"/>'s files, flushed to disk before the
    /// write; <see cref="EndIndexedWriteAsync"/> removes it once the index has the trial's new state.
    /// </summary>
    private string BeginIndexedWrite(string sweepId, string trialId)
    {
        var directory = PendingDirectory(sweepId);
        var name = string.Create(CultureInfo.InvariantCulture, $"{trialId}{MarkerSeparator}{Environment.ProcessId}{MarkerSeparator}{Guid.NewGuid():N}");
        var path = Path.Combine(directory, name);
        try
        {
            Directory.CreateDirectory(directory);
            new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            if (CurrentBoot is null)
            {
                DirectorySync.Flush(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StoreDirectory.WriteFailed(RootDirectory, path, e);
        }

        _liveMarkers[name] = 0;
        return path;
    }

    /// <summary>
    /// After the write: appends <paramref name="trial"/> (null when the write changed nothing) to the index and removes
    /// the marker; if the index could not take it the marker stays, so readers keep reading that trial's files.
    /// </summary>
    private async Task EndIndexedWriteAsync(string sweepId, string marker, IndexedTrial? trial, CancellationToken cancellationToken)
    {
        if (trial is null || await AppendIndexAsync(sweepId, trial, CancellationToken.None) || !File.Exists(IndexPath(sweepId)))
        {
            try
            {
                File.Delete(marker);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A marker left behind only makes readers read that trial's files.
            }
        }

        _liveMarkers.TryRemove(Path.GetFileName(marker), out _);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// A trial's state as its files say (the status file, and the result's JSON section verified): the truth for a
    /// trial with a write in flight, and what a rebuild is made of.
    /// </summary>
    private async Task<IndexedTrial> ReadIndexedTrialAsync(IndexedTrial trial, CancellationToken cancellationToken)
    {
        var (status, _) = await ReadStatusAsync(trial.TrialId, cancellationToken);
        var (result, resultDamage) = await ReadResultDocumentAsync(trial.TrialId, cancellationToken, whole: false);
        if (result is not null)
        {
            return trial.WithResult(result.Row, result.Error);
        }

        var steps = status?.Steps ?? 0;
        if (resultDamage is not null)
        {
            return trial.WithStatus(TrialStatus.Pending, steps, resultDamage);
        }

        if (status is { Status: var finished } && finished.IsFinished())
        {
            return trial.WithStatus(TrialStatus.Pending, steps, $"missing, though the trial's status says {finished.ToString().ToLowerInvariant()}");
        }

        return trial.WithStatus(status?.Status ?? TrialStatus.Pending, steps, null);
    }

    /// <summary>Trial ids with a marker (a write in flight, or one a crash cut off).</summary>
    private HashSet<string> PendingTrials(string sweepId) =>
        Markers(sweepId).Select(m => MarkerTrialId(Path.GetFileName(m))).ToHashSet(StringComparer.Ordinal);

    private List<string> Markers(string sweepId)
    {
        var directory = PendingDirectory(sweepId);
        try
        {
            return Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory)] : [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static string MarkerTrialId(string name) => name.IndexOf(MarkerSeparator) is var at and > 0 ? name[..at] : name;

    /// <summary>A marker whose writer is gone: another process that no longer runs, or this one's but not in flight.</summary>
    private bool IsDeadMarker(string path)
    {
        var parts = Path.GetFileName(path).Split(MarkerSeparator);
        if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return true;
        }

        if (pid == Environment.ProcessId)
        {
            return !_liveMarkers.ContainsKey(Path.GetFileName(path));
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>Removes the markers among <paramref name="markers"/> whose writers are gone (their trials are in the index now).</summary>
    private void RemoveDeadMarkers(IEnumerable<string> markers)
    {
        foreach (var marker in markers.Where(IsDeadMarker))
        {
            try
            {
                File.Delete(marker);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next rebuild.
            }
        }
    }

    /// <summary>An index to answer from: written in this boot, from the definition on disk now.</summary>
    private static bool Trusted(SweepIndex index, FileInfo definition) => index.BootId == (CurrentBoot ?? "") && index.Describes(definition);

    private static string? ReadBootId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string IndexPath(string sweepId) => Path.Combine(SweepDirectory(sweepId), IndexFileName);

    private string PendingDirectory(string sweepId) => Path.Combine(SweepDirectory(sweepId), PendingDirectoryName);
}
