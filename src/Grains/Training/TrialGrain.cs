using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Telemetry;
using Sweep.Model.Training;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Training;

/// <summary>
/// Trains one trial. Placed on the silo that calls it (the trainer slot that leased the trial), it trains on a
/// thread-pool thread, never inside a grain turn; a keep-alive timer reports progress to the coordinator (which
/// renews the lease) and keeps the activation from being collected.
/// <para>
/// Two kinds of trouble are kept apart. Training itself failing (the engine or its data threw) ends the trial
/// Failed, for good. Anything else — the store not answering, the silo stopping, the runtime deactivating this
/// grain while its silo lives, another attempt holding the lease — is never recorded as the trial's outcome: an
/// outcome that could not be saved is retried until it is, and a trial that stops without one hands its lease
/// back to the coordinator, to resume from its newest durable checkpoint at once.
/// </para>
/// <para>
/// Checkpoints go to the store in order on a writer task; training does not run past a checkpoint while the one
/// before it is not yet durable, so a crash redoes at most one interval (plus the steps trained during one
/// checkpoint write).
/// </para>
/// </summary>
[PreferLocalPlacement]
public sealed class TrialGrain(
    ISweepStore store,
    DatasetCache datasets,
    ITrialTrainer trainer,
    CoreShares cores,
    SweepRuntimeOptions options,
    ILocalSiloDetails siloDetails,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers) : Grain, ITrialGrain
{
    private static readonly TimeSpan CoordinatorCallLimit = TimeSpan.FromSeconds(5);

    private readonly ILogger _log = loggers.CreateLogger<TrialGrain>();
    private readonly ILogger _clusterLog = loggers.CreateLogger(SweepTelemetry.ClusterLogCategory);
    private Task? _work;
    private CancellationTokenSource? _cancel;
    private volatile StopReason _stop;
    private volatile TrainingProgress? _latest;
    private volatile int _startStep = -1;
    private volatile int _persistedStep;
    private CheckpointBytes? _unstoredFinal;
    private bool _startReported;
    private IGrainTimer? _timer;
    private TrialLease? _lease;

    /// <summary>Why training was asked to stop before it ended by itself.</summary>
    private enum StopReason
    {
        None,
        Cancelled,
        Superseded,
        Deactivated,
    }

    private string Silo => siloDetails.SiloAddress.ToString();

    private bool SiloStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public Task StartAsync(TrialLease lease)
    {
        if (_work is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }
        _lease = lease;
        _stop = StopReason.None;
        _latest = null;
        _startStep = -1;
        _persistedStep = lease.Steps;
        _unstoredFinal = null;
        _startReported = false;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        _timer = this.RegisterGrainTimer(ReportProgressAsync, new GrainTimerCreationOptions(options.ProgressInterval, options.ProgressInterval) { KeepAlive = true });
        _work = RunAsync(lease, _cancel.Token);
        return Task.CompletedTask;
    }

    public async Task<bool> WaitForEndAsync(TimeSpan timeout)
    {
        if (_work is null || _work.IsCompleted)
        {
            return true;
        }
        await Task.WhenAny(_work, Task.Delay(timeout));
        return _work.IsCompleted;
    }

    public Task CancelAsync() => StopAsync(StopReason.Cancelled);

    /// <summary>
    /// The runtime takes this activation away (its directory entry was lost with a dead peer, say) while training
    /// may still run: stop it, and let <see cref="RunAsync"/> hand the lease back so that the trial is rescheduled
    /// at once rather than when its lease runs out.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_work is { IsCompleted: false } work)
        {
            if (_stop == StopReason.None)
            {
                _stop = StopReason.Deactivated;
            }
            _cancel?.Cancel();
            try
            {
                await work.WaitAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                _log.LogWarning(ex, "Trial {TrialId}: training did not stop within the deactivation", this.GetPrimaryKeyString());
            }
        }
        _timer?.Dispose();
    }

    private Task StopAsync(StopReason reason)
    {
        if (_stop == StopReason.None)
        {
            _stop = reason;
        }
        _cancel?.Cancel();
        return Task.CompletedTask;
    }

    private async Task RunAsync(TrialLease lease, CancellationToken cancellationToken)
    {
        var spec = lease.Spec;
        var coordinator = GrainFactory.GetGrain<ISweepGrain>(spec.SweepId);
        using var trace = SweepTelemetry.Source.StartActivity("trial", ActivityKind.Internal);
        trace?.SetTag("sweep.id", spec.SweepId).SetTag("trial.id", spec.TrialId).SetTag("silo", Silo).SetTag("attempt", lease.Attempt);
        trace?.AddEvent(new ActivityEvent("lease", tags: new ActivityTagsCollection { ["silo"] = lease.Silo, ["expires"] = lease.ExpiresAt.ToString("O") }));
        SweepTelemetry.TrialsRunning.Add(1);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            StoredCheckpoint? checkpoint;
            try
            {
                if (await store.GetResultAsync(spec.TrialId, cancellationToken) is { } existing)
                {
                    await ReportFinishedAsync(coordinator, existing);
                    return;
                }
                checkpoint = await store.LoadCheckpointAsync(spec.TrialId, cancellationToken);
            }
            catch (StoreUnavailableException ex)
            {
                await HandBackAsync(coordinator, lease, $"could not read the store: {ex.Message}");
                return;
            }
            _persistedStep = checkpoint?.Step ?? 0;
            if (lease.Attempt > 1 || _persistedStep > 0)
            {
                _clusterLog.LogInformation("Silo {Silo} took over trial {TrialId} at step {Step} (attempt {Attempt})",
                    Silo, spec.TrialId, _persistedStep, lease.Attempt);
            }
            await TrainThroughRungsAsync(coordinator, lease, checkpoint, stopwatch, trace, cancellationToken);
        }
        catch (OperationCanceledException) when (_stop == StopReason.Cancelled)
        {
            await RecordAsync(coordinator, lease, TrialResults.Cancelled(spec, _persistedStep));
        }
        catch (OperationCanceledException) when (_stop != StopReason.None || SiloStopping)
        {
            // Stopped before training got going (the lease can cross the start of a shutdown).
            await StoppedWithoutOutcomeAsync(coordinator, lease, _persistedStep);
        }
        catch (Exception ex)
        {
            // Not the training (that is handled above): the store refused the outcome for a reason that does not
            // pass by itself. The trial is not failed for it; the lease goes back and the error is in the log.
            _log.LogError(ex, "Trial {TrialId}: its outcome could not be recorded", spec.TrialId);
            await HandBackAsync(coordinator, lease, $"its outcome could not be recorded: {ex.Message}");
        }
        finally
        {
            SweepTelemetry.TrialsRunning.Add(-1);
            _unstoredFinal = null;
            _timer?.Dispose();
            _timer = null;
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Trains to the lease's stop (the end, or a search rung) and records the outcome. At a rung the coordinator
    /// decides: a promoted trial trains on in this attempt from the checkpoint it just made (a resume, so it ends
    /// bit-for-bit as a run that never stopped); a paused one ends this attempt (the coordinator leases it again
    /// when its rung closes); a pruned one is recorded with its metrics at the rung.
    /// </summary>
    private async Task TrainThroughRungsAsync(
        ISweepGrain coordinator, TrialLease lease, StoredCheckpoint? checkpoint, Stopwatch stopwatch, Activity? trace, CancellationToken cancellationToken)
    {
        var spec = lease.Spec;
        var stopAt = lease.StopAt;
        var from = checkpoint is null ? null : new CheckpointBytes(checkpoint.Step, checkpoint.Data);
        var trainedSeconds = 0.0;
        while (true)
        {
            TrainingResult result;
            try
            {
                result = await TrainAsync(spec, from?.Data, stopAt, c => from = c, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || _stop == StopReason.None && !SiloStopping)
            {
                await FailAsync(coordinator, lease, stopwatch, trace, ex);
                return;
            }
            trainedSeconds += result.WallSeconds;
            await ReportStartOnceAsync(coordinator);
            if (result.Outcome == TrialOutcome.Cancelled && _stop != StopReason.Cancelled)
            {
                await StoppedWithoutOutcomeAsync(coordinator, lease, result.Steps);
                return;
            }
            if (result.Outcome != TrialOutcome.Paused)
            {
                await RecordAsync(coordinator, lease, TrialResults.FromTraining(spec, result with { WallSeconds = trainedSeconds }, TrialResults.StatusOf(result.Outcome)));
                return;
            }
            if (from is null || from.Step != result.Steps)
            {
                throw new InvalidOperationException($"Trial {spec.TrialId} paused at step {result.Steps} without a checkpoint there.");
            }
            RungReply reply;
            try
            {
                reply = await coordinator.ReportRungAsync(new RungReport(spec.TrialId, lease.LeaseId, result.Steps, RungMetric(result), _persistedStep))
                    .WaitAsync(CoordinatorCallLimit);
            }
            catch (Exception ex)
            {
                await HandBackAsync(coordinator, lease, $"its rung at step {result.Steps} could not be reported: {ex.Message}");
                return;
            }
            _clusterLog.LogInformation("Trial {TrialId}: rung at step {Step}: {Answer}", spec.TrialId, result.Steps, reply.Answer);
            switch (reply.Answer)
            {
                case RungAnswer.Continue:
                    stopAt = reply.NextStop;
                    continue;
                case RungAnswer.Pause:
                case RungAnswer.Superseded:
                    return;
                case RungAnswer.Cancel:
                    await RecordAsync(coordinator, lease, TrialResults.Cancelled(spec, _persistedStep));
                    return;
                case RungAnswer.Prune:
                    TrainingResult concluded;
                    try
                    {
                        var data = await datasets.GetAsync(spec.Dataset);
                        var bytes = from.Data;
                        concluded = await Task.Run(() => trainer.Conclude(spec, data, bytes), CancellationToken.None);
                    }
                    catch (Exception ex)
                    {
                        await FailAsync(coordinator, lease, stopwatch, trace, ex);
                        return;
                    }
                    trainedSeconds += concluded.WallSeconds;
                    await RecordAsync(coordinator, lease, TrialResults.FromTraining(spec, concluded with { WallSeconds = trainedSeconds }, TrialStatus.Pruned));
                    return;
                default:
                    throw new InvalidOperationException($"Unknown rung answer {reply.Answer}.");
            }
        }
    }

    /// <summary>The engine or its data threw: this is the trial's outcome.</summary>
    private async Task FailAsync(ISweepGrain coordinator, TrialLease lease, Stopwatch stopwatch, Activity? trace, Exception ex)
    {
        _log.LogWarning(ex, "Trial {TrialId} failed", lease.Spec.TrialId);
        trace?.SetStatus(ActivityStatusCode.Error, ex.Message);
        var steps = _latest?.Step ?? Math.Max(_startStep, 0);
        await RecordAsync(coordinator, lease, TrialResults.Failed(lease.Spec, steps, stopwatch.Elapsed.TotalSeconds, ex.Message));
    }

    /// <summary>The dev accuracy evaluated at the rung step (rungs are multiples of the evaluation interval); NaN without one.</summary>
    private static double RungMetric(TrainingResult result) =>
        result.Curve.Count > 0 && result.Curve[^1].Step == result.Steps ? result.Curve[^1].DevAccuracy : double.NaN;

    private sealed record CheckpointBytes(int Step, byte[] Data);

    private async Task<TrainingResult> TrainAsync(TrialSpec spec, byte[]? checkpoint, int? stopAt, Action<CheckpointBytes> raised, CancellationToken cancellationToken)
    {
        var data = await datasets.GetAsync(spec.Dataset);
        // Its threads, plus a part of the cores no other trial here uses, re-read before every step.
        using var share = cores.Join(spec.TrialId, spec.Training.Threads);
        // One checkpoint in flight at most: the next one waits until the previous one is durable (or given up on).
        using var inFlight = new SemaphoreSlim(1, 1);
        var checkpoints = Channel.CreateUnbounded<(int Step, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(() => WriteCheckpointsAsync(spec.TrialId, checkpoints.Reader, inFlight));
        var callbacks = new TrainingCallbacks
        {
            Progress = p => _latest = p,
            Threads = () => share.Threads,
            Checkpoint = (step, bytes) =>
            {
                raised(new CheckpointBytes(step, bytes));
                inFlight.Wait();
                checkpoints.Writer.TryWrite((step, bytes));
            },
            // The end of a completed run: its result is written next and makes this checkpoint unneeded. It is
            // stored only if the result cannot be (HandBackAsync), so that the next attempt concludes from it
            // instead of training again. One store write less for every trial.
            FinalCheckpoint = (step, bytes) => raised(_unstoredFinal = new CheckpointBytes(step, bytes)),
        };
        try
        {
            using (SweepTelemetry.Source.StartActivity("train"))
            {
                return await Task.Run(
                    () => trainer.Train(spec, data, checkpoint, stopAt, s => _startStep = _startStep < 0 ? s : _startStep, callbacks, cancellationToken),
                    CancellationToken.None);
            }
        }
        finally
        {
            checkpoints.Writer.Complete();
            await writer;
        }
    }

    /// <summary>
    /// Training stopped early for a reason that is not the trial's: hand the lease back (unless another attempt
    /// holds it), so that the trial resumes from its newest durable checkpoint at once.
    /// </summary>
    private async Task StoppedWithoutOutcomeAsync(ISweepGrain coordinator, TrialLease lease, int steps)
    {
        switch (_stop)
        {
            case StopReason.Superseded:
                _clusterLog.LogInformation("Trial {TrialId}: stopped at step {Step}; another attempt holds its lease", lease.Spec.TrialId, steps);
                return;
            case StopReason.Deactivated:
                await HandBackAsync(coordinator, lease, "its grain was deactivated on a live silo");
                return;
            case StopReason.None when SiloStopping:
                await HandBackAsync(coordinator, lease, "its silo is stopping");
                return;
            default:
                throw new InvalidOperationException($"Trial {lease.Spec.TrialId} stopped at step {steps} without a reason ({_stop}).");
        }
    }

    private async Task HandBackAsync(ISweepGrain coordinator, TrialLease lease, string reason)
    {
        var trialId = lease.Spec.TrialId;
        await StoreFinalCheckpointAsync(trialId);
        _log.LogInformation("Trial {TrialId}: handing its lease back at step {Step}: {Reason}", trialId, _persistedStep, reason);
        try
        {
            await coordinator.ReleaseAsync(trialId, lease.LeaseId, _persistedStep, reason).WaitAsync(CoordinatorCallLimit);
            return;
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Trial {TrialId}: the coordinator did not take the lease back; it is rescheduled when the lease runs out", trialId);
        }
        try
        {
            // Nothing trains it now: the store must not call it running.
            await store.SetTrialStatusAsync(trialId, TrialStatus.Pending, _persistedStep, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Trial {TrialId}: could not record it as pending", trialId);
        }
    }

    /// <summary>
    /// Records the trial's outcome. A store that does not answer is waited for as long as this silo runs: the
    /// outcome is retried, never turned into a failure. If the silo stops (or the grain is taken away) first,
    /// the lease goes back with the run's final checkpoint (stored then, if the store takes it), and the next attempt
    /// finishes from there.
    /// </summary>
    private async Task RecordAsync(ISweepGrain coordinator, TrialLease lease, TrialResultRecord record)
    {
        using var span = SweepTelemetry.Source.StartActivity("result");
        span?.SetTag("trial.status", record.Row.Status.ToString());
        var trialId = record.Row.TrialId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!await store.SaveResultAsync(record))
                {
                    // Recorded before: by another attempt (a lease that expired while this silo was slow), or by this
                    // one when the reply to an earlier try was lost. The stored one stands.
                    record = await store.GetResultAsync(trialId) ?? record;
                }
                break;
            }
            catch (StoreUnavailableException ex)
            {
                if (SiloStopping || _stop == StopReason.Deactivated)
                {
                    await HandBackAsync(coordinator, lease, $"its {record.Row.Status.ToString().ToLowerInvariant()} outcome could not be recorded before the silo stopped");
                    return;
                }
                _clusterLog.LogWarning("Trial {TrialId}: its {Status} outcome is not recorded yet ({Reason}); still trying (attempt {Attempt})",
                    trialId, record.Row.Status, ex.Message, attempt);
            }
        }
        if (record.Row.Status == TrialStatus.Failed)
        {
            SweepTelemetry.TrialsFailed.Add(1);
        }
        else
        {
            SweepTelemetry.TrialsCompleted.Add(1);
        }
        await ReportFinishedAsync(coordinator, record);
    }

    /// <summary>The result is in the store; if the coordinator cannot be told, it learns it from the next attempt.</summary>
    private async Task ReportFinishedAsync(ISweepGrain coordinator, TrialResultRecord record)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await coordinator.ReportFinishedAsync(record.Row, record.Error);
                return;
            }
            catch (Exception ex) when (attempt < 3 && !SiloStopping)
            {
                _log.LogInformation(ex, "Trial {TrialId}: reporting its result failed; trying again", record.Row.TrialId);
                await Task.Delay(options.IdlePoll);
            }
            catch (Exception ex)
            {
                _log.LogWarning(ex, "Trial {TrialId}: its result is recorded, but the coordinator could not be told; it learns it when the lease runs out", record.Row.TrialId);
                return;
            }
        }
    }

    /// <summary>
    /// The checkpoint at the end of the trial's completed run, held back while its result was to be written: stored
    /// now that the trial hands its lease back without a recorded outcome, so that the next attempt concludes from
    /// it. Tried once, for as long as a coordinator call; if the store does not take it, the next attempt trains
    /// from the newest stored checkpoint and ends with the same result.
    /// </summary>
    private async Task StoreFinalCheckpointAsync(string trialId)
    {
        if (Interlocked.Exchange(ref _unstoredFinal, null) is not { } final || final.Step <= _persistedStep)
        {
            return;
        }
        try
        {
            await store.SaveCheckpointAsync(trialId, final.Step, final.Data).WaitAsync(CoordinatorCallLimit);
            _persistedStep = final.Step;
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Trial {TrialId}: its checkpoint at step {Step} was not written; the next attempt trains from step {From}", trialId, final.Step, _persistedStep);
        }
    }

    /// <summary>
    /// Stores the checkpoints training raises, one at a time, and after each the trial's status at that step, so
    /// readers of the store see where it resumes. The one at the end of a completed run never comes here (the
    /// result written next records the status and steps).
    /// </summary>
    private async Task WriteCheckpointsAsync(string trialId, ChannelReader<(int Step, byte[] Data)> reader, SemaphoreSlim inFlight)
    {
        await foreach (var (step, bytes) in reader.ReadAllAsync())
        {
            using var span = SweepTelemetry.Source.StartActivity("checkpoint");
            span?.SetTag("step", step).SetTag("bytes", bytes.Length);
            var watch = Stopwatch.StartNew();
            try
            {
                await store.SaveCheckpointAsync(trialId, step, bytes);
                _persistedStep = Math.Max(_persistedStep, step);
                if (_stop != StopReason.Superseded)
                {
                    // Readers of the store ('sweep trials' from another shell, any cluster client) see where it resumes.
                    await store.SetTrialStatusAsync(trialId, TrialStatus.Running, step);
                }
                SweepTelemetry.CheckpointSeconds.Record(watch.Elapsed.TotalSeconds);
                SweepTelemetry.CheckpointBytes.Record(bytes.Length);
            }
            catch (Exception ex)
            {
                // A missed checkpoint costs one more interval on a crash; the next one is tried anyway.
                _log.LogWarning(ex, "Trial {TrialId}: checkpoint at step {Step} was not written", trialId, step);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        if (_lease is not { } lease)
        {
            return;
        }
        var coordinator = GrainFactory.GetGrain<ISweepGrain>(lease.Spec.SweepId);
        try
        {
            await ReportStartOnceAsync(coordinator);
            var p = _latest;
            if (p is null)
            {
                return;
            }
            SweepTelemetry.ImagesPerSecond.Record(p.ImagesPerSecond);
            var report = new TrialProgressReport(lease.Spec.TrialId, Silo, p.Step, p.TotalSteps, p.BatchCost, p.LastDevAccuracy, p.ImagesPerSecond,
                _persistedStep, lease.LeaseId);
            switch (await coordinator.ReportProgressAsync(report))
            {
                case ProgressReply.Continue:
                    break;
                case ProgressReply.Cancel:
                    await StopAsync(StopReason.Cancelled);
                    break;
                case ProgressReply.Superseded:
                    await StopAsync(StopReason.Superseded);
                    break;
                default:
                    throw new InvalidOperationException("Unknown progress reply.");
            }
        }
        catch (Exception ex)
        {
            _log.LogDebug(ex, "Trial {TrialId}: progress report failed; retried next period", lease.Spec.TrialId);
        }
    }

    private async Task ReportStartOnceAsync(ISweepGrain coordinator)
    {
        var start = _startStep;
        if (_startReported || start < 0 || _lease is not { } lease)
        {
            return;
        }
        _startReported = true;
        await coordinator.ReportStartedAsync(lease.Spec.TrialId, Silo, start, lease.LeaseId);
    }
}
