using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Telemetry;
using Sweep.Grains.Grid;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Training;

namespace Sweep.Grains.Coordinator;

/// <summary>
/// Coordinator of one sweep. The store is the source of truth for the definition, trial statuses and results, so
/// a fresh activation (after a crash, or in a restarted embedded run) rebuilds everything from it; the grain
/// state only keeps the cancel flag. Leases are in memory: a trial whose silo died stops renewing its lease, and
/// the lease check puts it back at the front of the queue, to be resumed from its checkpoint by whichever slot
/// pulls next; a trial that stops without an outcome on a live silo hands its lease back at once. Each lease has
/// an id, so reports from an attempt the coordinator gave up on (a partitioned silo coming back) are told to stop.
/// </summary>
public sealed class SweepGrain(
    ISweepStore store,
    IStudyPublisher studies,
    SweepRuntimeOptions options,
    [PersistentState("sweep", "sweep")] IPersistentState<SweepGrainState> state,
    IClusterMembershipService membership,
    ILoggerFactory loggers) : Grain, ISweepGrain
{
    private readonly ILogger _log = loggers.CreateLogger<SweepGrain>();
    private readonly ILogger _clusterLog = loggers.CreateLogger(SweepTelemetry.ClusterLogCategory);
    private readonly Dictionary<string, TrialEntry> _trials = new(StringComparer.Ordinal);
    // Costliest first (TrialCost: training FLOPs left), grid order among equals, so that a sweep does not end on
    // one long trial started last; a trial that lost its lease goes to the front: it has work done and a
    // checkpoint waiting.
    private readonly LinkedList<string> _pending = new();
    private DateTimeOffset _lastTick = DateTimeOffset.UtcNow;
    private string? _storeProblem;
    private TimeSpan _tickPeriod;
    private SweepDefinition? _sweep;
    private IGrainTimer? _timer;
    private DateTimeOffset _activatedAt;
    private int _finishedSinceActivation;
    private bool _studyDirty;
    // The next study refresh while trials run: the debounce after the last one, or longer when refreshing is slow.
    private DateTimeOffset _studyDueAt = DateTimeOffset.MinValue;
    // The sweep's successive halving, for ASHA sweeps: the one place that knows the rules at a rung.
    private SuccessiveHalving? _halving;
    // Rung decisions made but not yet in the store (it did not answer); written on the next tick.
    private readonly List<RungCall> _unrecorded = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = DateTimeOffset.UtcNow;
        var sweep = await store.GetSweepAsync(this.GetPrimaryKeyString(), cancellationToken);
        if (sweep is not null)
        {
            await LoadAsync(sweep, cancellationToken);
        }
    }

    public async Task<SubmitOutcome> SubmitAsync(SweepDefinition sweep)
    {
        if (sweep.SweepId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Sweep '{sweep.SweepId}' was sent to coordinator '{this.GetPrimaryKeyString()}'.", nameof(sweep));
        }
        if (_sweep is not null && !sweep.HasGridOf(_sweep))
        {
            return Conflict(sweep.SweepId);
        }
        var existed = _sweep is not null;
        if (_sweep is null)
        {
            try
            {
                var stored = await store.CreateSweepAsync(sweep);
                await LoadAsync(stored, CancellationToken.None);
            }
            catch (SweepConflictException)
            {
                return Conflict(sweep.SweepId);
            }
        }
        if (!IsFinished())
        {
            await GrainFactory.GetGrain<ISweepRegistryGrain>(0).AddAsync(sweep.SweepId);
        }
        return new SubmitOutcome(sweep.SweepId, existed, _trials.Count, _trials.Values.Count(t => t.Status.IsFinished()), null);
    }

    public async Task<TrialLease?> LeaseAsync(string silo)
    {
        if (_sweep is null || state.State.Cancelled)
        {
            return null;
        }
        while (_pending.First is { } first)
        {
            _pending.RemoveFirst();
            var entry = _trials[first.Value];
            if (!Leasable(entry))
            {
                continue;
            }
            entry.MoveTo(TrialStatus.Running);
            entry.LeasedTo = silo;
            entry.Silo = silo;
            entry.LeaseId = Guid.NewGuid();
            entry.Attempts++;
            entry.Progress = null;
            entry.LeaseExpiresAt = DateTimeOffset.UtcNow + options.LeaseDuration;
            try
            {
                await store.SetTrialStatusAsync(entry.Spec.TrialId, TrialStatus.Running, entry.Steps);
                _storeProblem = null;
            }
            catch (Exception ex)
            {
                // No lease was handed out: the trial must not wait out one that nobody holds.
                Requeue(entry);
                if (ex is not StoreUnavailableException)
                {
                    // Not an outage that passes (a full disk, a read-only store): say so to whoever follows the sweep.
                    _storeProblem = $"the store refuses writes: {ex.Message}";
                }
                throw;
            }
            return new TrialLease(entry.Spec, silo, entry.Attempts, entry.LeaseExpiresAt, entry.Steps, entry.LeaseId.Value,
                _halving?.StopFor(entry.Spec.TrialId, entry.Steps));
        }
        return null;
    }

    public Task ReportStartedAsync(string trialId, string silo, int startStep, Guid leaseId)
    {
        if (_trials.TryGetValue(trialId, out var entry) && !entry.Status.IsFinished() && HoldsLease(entry, leaseId))
        {
            entry.Silo = silo;
            entry.ResumedFromStep = startStep;
            entry.Steps = Math.Max(entry.Steps, startStep);
            entry.LeaseExpiresAt = DateTimeOffset.UtcNow + options.LeaseDuration;
        }
        return Task.CompletedTask;
    }

    public Task<ProgressReply> ReportProgressAsync(TrialProgressReport progress)
    {
        if (!_trials.TryGetValue(progress.TrialId, out var entry) || entry.Status.IsFinished())
        {
            return Task.FromResult(state.State.Cancelled ? ProgressReply.Cancel : ProgressReply.Superseded);
        }
        if (state.State.Cancelled)
        {
            return Task.FromResult(ProgressReply.Cancel);
        }
        if (!HoldsLease(entry, progress.LeaseId))
        {
            return Task.FromResult(ProgressReply.Superseded);
        }
        entry.Silo = progress.Silo;
        entry.Progress = progress;
        entry.Steps = Math.Max(entry.Steps, progress.CheckpointStep);
        entry.LeaseExpiresAt = DateTimeOffset.UtcNow + options.LeaseDuration;
        return Task.FromResult(ProgressReply.Continue);
    }

    public async Task ReleaseAsync(string trialId, Guid leaseId, int checkpointStep, string reason)
    {
        if (!_trials.TryGetValue(trialId, out var entry) || entry.Status.IsFinished() || !HoldsLease(entry, leaseId))
        {
            return;
        }
        entry.Steps = Math.Max(entry.Steps, checkpointStep);
        _clusterLog.LogInformation("Trial {TrialId}: handed back by {Silo} at step {Step} ({Reason}); first in the queue",
            trialId, entry.Silo ?? entry.LeasedTo, entry.Steps, reason);
        Requeue(entry);
        await RecordStatusAsync(entry, TrialStatus.Pending);
    }

    public async Task<RungReply> ReportRungAsync(RungReport report)
    {
        if (!_trials.TryGetValue(report.TrialId, out var entry) || entry.Status.IsFinished())
        {
            return new RungReply(state.State.Cancelled ? RungAnswer.Cancel : RungAnswer.Superseded);
        }
        if (state.State.Cancelled)
        {
            return new RungReply(RungAnswer.Cancel);
        }
        if (!HoldsLease(entry, report.LeaseId))
        {
            return new RungReply(RungAnswer.Superseded);
        }
        if (_halving is null || _halving.RungAt(report.Step) is var rung && rung < 0)
        {
            throw new InvalidOperationException($"Trial {report.TrialId} reported a rung at step {report.Step}, which sweep {_sweep!.SweepId} does not have.");
        }
        entry.Steps = Math.Max(entry.Steps, report.CheckpointStep);
        entry.LeaseExpiresAt = DateTimeOffset.UtcNow + options.LeaseDuration;
        var calls = _halving.Arrive(report.TrialId, rung, report.Metric);
        // Recorded before the trial acts on it: a decision is never carried out without its standings on record.
        await RecordRungsAsync(calls, throwOnFailure: true);
        var own = calls.Last(c => c.TrialId == report.TrialId);
        Apply(calls.Where(c => c.TrialId != report.TrialId));
        switch (own.Verdict)
        {
            case RungVerdict.Continue:
                return new RungReply(RungAnswer.Continue, _halving.StopFor(report.TrialId, report.Step));
            case RungVerdict.Prune:
                // The trial records its result (pruned, with its metrics at the rung) and reports it finished.
                return new RungReply(RungAnswer.Prune);
            default:
                entry.MoveTo(TrialStatus.Paused);
                entry.LeaseId = null;
                entry.Progress = null;
                await RecordStatusAsync(entry, TrialStatus.Paused);
                return new RungReply(RungAnswer.Pause);
        }
    }

    public async Task ReportFinishedAsync(LeaderboardRow row, string? error)
    {
        if (!_trials.TryGetValue(row.TrialId, out var entry) || entry.Status.IsFinished())
        {
            return;
        }
        entry.MoveTo(row.Status);
        entry.Steps = row.Steps;
        entry.Error = error;
        entry.Progress = null;
        _finishedSinceActivation++;
        _studyDirty = true;
        if (_halving is not null)
        {
            // A trial that ends before a synchronous rung no longer holds it open.
            var closed = _halving.Ended(row.TrialId);
            await RecordRungsAsync(closed, throwOnFailure: false);
            Apply(closed);
        }
        if (IsFinished())
        {
            await FinishAsync();
        }
    }

    public Task<SweepSummary> GetSummaryAsync()
    {
        var id = this.GetPrimaryKeyString();
        if (_sweep is null)
        {
            return Task.FromResult(new SweepSummary(id, default, 0, 0, 0, 0, 0, 0, 0, null, []));
        }
        var counts = _trials.Values.GroupBy(t => t.Status).ToDictionary(g => g.Key, g => g.Count());
        int Count(TrialStatus s) => counts.GetValueOrDefault(s);
        var running = _trials.Values.Where(t => t.Status == TrialStatus.Running && t.Progress is not null)
            .Select(t => t.Progress!).OrderBy(p => p.TrialId, StringComparer.Ordinal).ToImmutableArray();
        var remaining = Count(TrialStatus.Pending) + Count(TrialStatus.Running) + Count(TrialStatus.Paused);
        var elapsed = (DateTimeOffset.UtcNow - _activatedAt).TotalSeconds;
        double? eta = remaining == 0 ? 0 : _finishedSinceActivation > 0 ? remaining * elapsed / _finishedSinceActivation : null;
        return Task.FromResult(new SweepSummary(
            id, _sweep.CreatedAt, _trials.Count, Count(TrialStatus.Pending), Count(TrialStatus.Running),
            Count(TrialStatus.Completed), Count(TrialStatus.Diverged), Count(TrialStatus.Failed), Count(TrialStatus.Cancelled),
            eta, running, _storeProblem, Count(TrialStatus.Paused), Count(TrialStatus.Pruned)));
    }

    public Task<ImmutableArray<TrialSnapshot>> GetTrialsAsync() =>
        Task.FromResult(_sweep is null ? [] : _sweep.Trials.Select(t => _trials[t.TrialId].ToSnapshot()).ToImmutableArray());

    public async Task CancelAsync()
    {
        if (_sweep is null)
        {
            return;
        }
        state.State.Cancelled = true;
        await state.WriteStateAsync();
        var running = new List<Task>();
        foreach (var entry in _trials.Values.Where(t => !t.Status.IsFinished()))
        {
            if (entry.Status == TrialStatus.Running)
            {
                running.Add(GrainFactory.GetGrain<ITrialGrain>(entry.Spec.TrialId).CancelAsync());
                continue;
            }
            await store.SaveResultAsync(TrialResults.Cancelled(entry.Spec, entry.Steps));
            entry.MoveTo(TrialStatus.Cancelled);
        }
        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Sweep {SweepId}: a running trial could not be told to stop; it stops at its next progress report", _sweep.SweepId);
        }
        _studyDirty = true;
        if (IsFinished())
        {
            await FinishAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    private async Task LoadAsync(SweepDefinition sweep, CancellationToken cancellationToken)
    {
        _sweep = sweep;
        _trials.Clear();
        _pending.Clear();
        var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
        var errors = await store.GetTrialErrorsAsync(sweep.SweepId, cancellationToken);
        var queued = new List<TrialEntry>();
        foreach (var spec in sweep.Trials)
        {
            var entry = new TrialEntry(spec) { Error = errors.GetValueOrDefault(spec.TrialId) };
            if (statuses.TryGetValue(spec.TrialId, out var stored))
            {
                entry.Restore(stored.Status);
                entry.Steps = stored.Steps;
            }
            if (entry.Status == TrialStatus.Running && options.RunningTrialGrace > TimeSpan.Zero)
            {
                // It may still be training on a live silo (this activation is new, not the trial): give it time
                // to report before handing it out again.
                entry.LeaseExpiresAt = DateTimeOffset.UtcNow + options.RunningTrialGrace;
            }
            else if (entry.Status != TrialStatus.Paused && !entry.Status.IsFinished())
            {
                entry.Restore(TrialStatus.Pending);
                queued.Add(entry);
            }
            _trials[spec.TrialId] = entry;
        }
        // OrderByDescending is stable: equal costs keep grid order.
        foreach (var entry in queued.OrderByDescending(e => TrialCost.Remaining(e.Spec, e.Steps)))
        {
            _pending.AddLast(entry.Spec.TrialId);
        }
        await LoadSearchAsync(sweep, cancellationToken);
        // Often enough that a trial of a silo the cluster declared dead is handed out within a couple of seconds.
        _tickPeriod = TimeSpan.FromTicks(Math.Clamp(options.LeaseDuration.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(2).Ticks));
        _lastTick = DateTimeOffset.UtcNow;
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(_tickPeriod, _tickPeriod));
    }

    /// <summary>
    /// Replays the search's recorded rung decisions, then decides what the stored state implies but was not yet
    /// decided when the last coordinator stopped (synchronous rungs that had filled), and queues the paused trials
    /// whose rung has decided. A sweep without ASHA has no paused trials: any the store shows go back to pending.
    /// </summary>
    private async Task LoadSearchAsync(SweepDefinition sweep, CancellationToken cancellationToken)
    {
        _unrecorded.Clear();
        _halving = GridCompiler.SearchOf(sweep).Asha is { } asha ? new SuccessiveHalving(asha, sweep.Trials.Select(t => t.TrialId)) : null;
        if (_halving is null)
        {
            foreach (var entry in _trials.Values.Where(t => t.Status == TrialStatus.Paused))
            {
                entry.Restore(TrialStatus.Pending);
                _pending.AddLast(entry.Spec.TrialId);
            }
            return;
        }
        foreach (var call in await store.GetRungsAsync(sweep.SweepId, cancellationToken))
        {
            _halving.Restore(call);
        }
        var decided = new List<RungCall>();
        foreach (var entry in _trials.Values.Where(t => t.Status.IsFinished()))
        {
            decided.AddRange(_halving.Ended(entry.Spec.TrialId));
        }
        decided.AddRange(_halving.Settle());
        await RecordRungsAsync(decided, throwOnFailure: false);
        foreach (var entry in _trials.Values.Where(t => t.Status == TrialStatus.Paused && !_halving.Waiting(t.Spec.TrialId)))
        {
            _pending.AddFirst(entry.Spec.TrialId);
        }
    }

    /// <summary>Pending trials, and paused ones whose rung has decided (promoted, or pruned and to be recorded so).</summary>
    private bool Leasable(TrialEntry entry) =>
        entry.Status == TrialStatus.Pending || entry.Status == TrialStatus.Paused && _halving is { } h && !h.Waiting(entry.Spec.TrialId);

    /// <summary>Queues the paused trials these decisions release, ahead of the rest: their checkpoints wait at the rung.</summary>
    private void Apply(IEnumerable<RungCall> calls)
    {
        foreach (var call in calls.Reverse())
        {
            if (call.Verdict != RungVerdict.Pause && _trials.TryGetValue(call.TrialId, out var entry) && entry.Status == TrialStatus.Paused)
            {
                _pending.Remove(call.TrialId);
                _pending.AddFirst(call.TrialId);
            }
        }
    }

    /// <summary>
    /// Writes rung decisions (with any still unwritten) to the store. The store keeps the first final decision per
    /// trial and rung, so writing one twice is harmless. On failure they stay queued for the next tick, and, when
    /// <paramref name="throwOnFailure"/>, the caller hears of it.
    /// </summary>
    private async Task RecordRungsAsync(IEnumerable<RungCall> calls, bool throwOnFailure)
    {
        _unrecorded.AddRange(calls);
        while (_unrecorded.Count > 0)
        {
            try
            {
                await store.RecordRungAsync(_sweep!.SweepId, _unrecorded[0]);
                _unrecorded.RemoveAt(0);
            }
            catch (Exception ex) when (!throwOnFailure)
            {
                _log.LogWarning(ex, "Sweep {SweepId}: {Count} rung decision(s) are not in the store yet; retried", _sweep!.SweepId, _unrecorded.Count);
                return;
            }
        }
    }

    /// <summary>The store shows the trial's status at the step it resumes from; on failure only the display is stale.</summary>
    private async Task RecordStatusAsync(TrialEntry entry, TrialStatus status)
    {
        try
        {
            await store.SetTrialStatusAsync(entry.Spec.TrialId, status, entry.Steps);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Trial {TrialId}: could not record it as {Status} in the store", entry.Spec.TrialId, status);
        }
    }

    /// <summary>
    /// The lease holder of <paramref name="entry"/> is <paramref name="leaseId"/>. A trial not leased since this
    /// activation began (it was running when the coordinator moved, or its lease just expired and nobody took
    /// it yet) is adopted by the first attempt that reports: it is alive and has the newest work.
    /// </summary>
    private bool HoldsLease(TrialEntry entry, Guid leaseId)
    {
        if (entry.LeaseId == leaseId)
        {
            return true;
        }
        if (entry.LeaseId is not null)
        {
            return false;
        }
        if (entry.Status == TrialStatus.Pending)
        {
            _pending.Remove(entry.Spec.TrialId);
            entry.MoveTo(TrialStatus.Running);
        }
        entry.LeaseId = leaseId;
        return true;
    }

    private void Requeue(TrialEntry entry)
    {
        entry.MoveTo(TrialStatus.Pending);
        entry.LeaseId = null;
        entry.Progress = null;
        _pending.Remove(entry.Spec.TrialId);
        _pending.AddFirst(entry.Spec.TrialId);
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastTick > _tickPeriod * 1.5)
        {
            // This coordinator was not listening (a store call it waited on, a paused process): the trials' reports
            // queued up unheard, so their lapsed leases say nothing about their silos. Renew them all once.
            foreach (var entry in _trials.Values.Where(t => t.Status == TrialStatus.Running))
            {
                entry.LeaseExpiresAt = entry.LeaseExpiresAt > now + options.LeaseDuration ? entry.LeaseExpiresAt : now + options.LeaseDuration;
            }
        }
        _lastTick = now;
        if (_unrecorded.Count > 0)
        {
            await RecordRungsAsync([], throwOnFailure: false);
        }
        // A silo the cluster has declared dead trains nothing: its trials need not wait out their leases.
        var dead = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in _trials.Values.Where(t => t.Status == TrialStatus.Running && (t.LeaseExpiresAt < now || dead.Contains(t.Silo ?? t.LeasedTo ?? ""))).ToList())
        {
            entry.Progress = null;
            if (state.State.Cancelled)
            {
                // Its silo died after the sweep was cancelled: nobody will report it, so end it here.
                entry.MoveTo(await store.SaveResultAsync(TrialResults.Cancelled(entry.Spec, entry.Steps), cancellationToken)
                    ? TrialStatus.Cancelled
                    : (await store.GetResultAsync(entry.Spec.TrialId, cancellationToken))?.Row.Status ?? TrialStatus.Cancelled);
                _studyDirty = true;
                continue;
            }
            _clusterLog.LogInformation("Trial {TrialId}: {Why} on {Silo}; first in the queue, to resume at step {Step}",
                entry.Spec.TrialId, entry.LeaseExpiresAt < now ? "lease expired" : "silo declared dead", entry.Silo ?? entry.LeasedTo, entry.Steps);
            Requeue(entry);
            await RecordStatusAsync(entry, TrialStatus.Pending);
        }
        if (state.State.Cancelled && _studyDirty && IsFinished())
        {
            await FinishAsync();
            return;
        }
        if (_studyDirty && now >= _studyDueAt)
        {
            await PublishStudyAsync(cancellationToken);
        }
    }

    private bool IsFinished() => _trials.Values.All(t => t.Status.IsFinished());

    private async Task FinishAsync()
    {
        await PublishStudyAsync(CancellationToken.None);
        await GrainFactory.GetGrain<ISweepRegistryGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
    }

    private async Task PublishStudyAsync(CancellationToken cancellationToken)
    {
        _studyDirty = false;
        _studyDueAt = DateTimeOffset.UtcNow + options.StudyDebounce;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await studies.PublishAsync(_sweep!, cancellationToken);
            // A refresh reads every result and holds this grain (no lease is handed out meanwhile): with many
            // trials it is kept to about 5 % of the coordinator's time. The last one, when the sweep ends, always runs.
            _studyDueAt = DateTimeOffset.UtcNow + TimeSpan.FromTicks(Math.Max(options.StudyDebounce.Ticks, 20 * clock.Elapsed.Ticks));
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Sweep {SweepId}: the study report could not be refreshed", _sweep!.SweepId);
            _studyDirty = true;
        }
    }

    private static SubmitOutcome Conflict(string sweepId) => new(
        sweepId, true, 0, 0,
        $"a sweep named '{sweepId}' already exists with a different grid; rename the grid ('name') or submit the original grid");
}
