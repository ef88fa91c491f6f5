using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Telemetry;
using Sweep.Model.Training;

namespace Sweep.Grains.Grains;

/// <summary>
/// Trains one trial. Placed on the silo that calls it (the trainer slot that leased the trial), it trains on a
/// thread-pool thread, never inside a grain turn; a keep-alive timer reports progress to the coordinator (which
/// renews the lease) and keeps the activation from being collected. Checkpoints go to the store in order on a
/// writer task, coalesced to the newest when the store is slower than training. Training stops with the silo;
/// what was trained since the last checkpoint is redone by whichever silo resumes it.
/// </summary>
[PreferLocalPlacement]
public sealed class TrialGrain(
    ISweepStore store,
    DatasetCache datasets,
    ITrialTrainer trainer,
    SweepRuntimeOptions options,
    ILocalSiloDetails siloDetails,
    IHostApplicationLifetime lifetime,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private Task? _work;
    private CancellationTokenSource? _cancel;
    private volatile bool _cancelRequested;
    private volatile TrainingProgress? _latest;
    private volatile int _startStep = -1;
    private bool _startReported;
    private IGrainTimer? _timer;
    private TrialSpec? _spec;

    private string Silo => siloDetails.SiloAddress.ToString();

    public Task StartAsync(TrialLease lease)
    {
        if (_work is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }
        _spec = lease.Spec;
        _cancelRequested = false;
        _latest = null;
        _startStep = -1;
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

    public Task CancelAsync()
    {
        _cancelRequested = true;
        _cancel?.Cancel();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cancel?.Cancel();
        _timer?.Dispose();
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
            var existing = await store.GetResultAsync(spec.TrialId, cancellationToken);
            if (existing is not null)
            {
                await coordinator.ReportFinishedAsync(existing.Row, existing.Error);
                return;
            }
            var checkpoint = await store.LoadCheckpointAsync(spec.TrialId, cancellationToken);
            var data = await datasets.GetAsync(spec.Dataset);
            var checkpoints = Channel.CreateBounded<(int Step, byte[] Data)>(
                new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
            var writer = Task.Run(() => WriteCheckpointsAsync(spec.TrialId, checkpoints.Reader));
            var callbacks = new TrainingCallbacks
            {
                Progress = p => _latest = p,
                Checkpoint = (step, bytes) => checkpoints.Writer.TryWrite((step, bytes)),
            };
            TrainingResult result;
            try
            {
                using (SweepTelemetry.Source.StartActivity("train"))
                {
                    result = await Task.Run(
                        () => trainer.Train(spec, data, checkpoint?.Data, s => _startStep = s, callbacks, cancellationToken),
                        CancellationToken.None);
                }
            }
            finally
            {
                checkpoints.Writer.Complete();
                await writer;
            }
            await ReportStartOnceAsync(coordinator);
            if (result.Outcome == TrialOutcome.Cancelled && !_cancelRequested)
            {
                logger.LogInformation("Trial {TrialId}: stopped with its silo at step {Step}; it resumes from its checkpoint elsewhere", spec.TrialId, result.Steps);
                // Nothing trains it now: 'sweep status' must not call it running (embedded, until the next submit).
                await store.SetTrialStatusAsync(spec.TrialId, TrialStatus.Pending, result.Steps, CancellationToken.None);
                return;
            }
            await FinishAsync(coordinator, TrialResults.FromTraining(spec, result, TrialResults.StatusOf(result.Outcome)));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !_cancelRequested)
        {
            // Stopped with its silo before training got going (the lease can cross the start of a shutdown):
            // nothing trains it now, so it must not stay 'running' in the store.
            logger.LogInformation("Trial {TrialId}: stopped with its silo before training; it stays pending", spec.TrialId);
            await store.SetTrialStatusAsync(spec.TrialId, TrialStatus.Pending, Math.Max(lease.Steps, _latest?.Step ?? _startStep), CancellationToken.None);
        }
        catch (Exception ex) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Trial {TrialId} failed", spec.TrialId);
            trace?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var steps = _latest?.Step ?? Math.Max(_startStep, 0);
            await FinishAsync(coordinator, TrialResults.Failed(spec, steps, stopwatch.Elapsed.TotalSeconds, ex.Message));
        }
        finally
        {
            SweepTelemetry.TrialsRunning.Add(-1);
            _timer?.Dispose();
            _timer = null;
            DeactivateOnIdle();
        }
    }

    private async Task FinishAsync(ISweepGrain coordinator, TrialResultRecord record)
    {
        using var span = SweepTelemetry.Source.StartActivity("result");
        span?.SetTag("trial.status", record.Row.Status.ToString());
        if (!await store.SaveResultAsync(record))
        {
            // Someone else finished it first (a lease that expired while this silo was slow): theirs stands.
            record = await store.GetResultAsync(record.Row.TrialId) ?? record;
        }
        var (row, error) = (record.Row, record.Error);
        if (row.Status == TrialStatus.Failed)
        {
            SweepTelemetry.TrialsFailed.Add(1);
        }
        else
        {
            SweepTelemetry.TrialsCompleted.Add(1);
        }
        await coordinator.ReportFinishedAsync(row, error);
    }

    private async Task WriteCheckpointsAsync(string trialId, ChannelReader<(int Step, byte[] Data)> reader)
    {
        await foreach (var (step, bytes) in reader.ReadAllAsync())
        {
            using var span = SweepTelemetry.Source.StartActivity("checkpoint");
            span?.SetTag("step", step).SetTag("bytes", bytes.Length);
            var watch = Stopwatch.StartNew();
            try
            {
                await store.SaveCheckpointAsync(trialId, step, bytes);
                // Readers of the store ('sweep trials' from another shell, any cluster client) see the step reached.
                await store.SetTrialStatusAsync(trialId, TrialStatus.Running, step);
                SweepTelemetry.CheckpointSeconds.Record(watch.Elapsed.TotalSeconds);
                SweepTelemetry.CheckpointBytes.Record(bytes.Length);
            }
            catch (Exception ex)
            {
                // A missed checkpoint costs at most one interval on a crash; the next one is tried anyway.
                logger.LogWarning(ex, "Trial {TrialId}: checkpoint at step {Step} was not written", trialId, step);
            }
        }
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        if (_spec is null)
        {
            return;
        }
        var coordinator = GrainFactory.GetGrain<ISweepGrain>(_spec.SweepId);
        try
        {
            await ReportStartOnceAsync(coordinator);
            var p = _latest;
            if (p is null)
            {
                return;
            }
            SweepTelemetry.ImagesPerSecond.Record(p.ImagesPerSecond);
            var report = new TrialProgressReport(_spec.TrialId, Silo, p.Step, p.TotalSteps, p.BatchCost, p.LastDevAccuracy, p.ImagesPerSecond);
            if (!await coordinator.ReportProgressAsync(report))
            {
                await CancelAsync();
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Trial {TrialId}: progress report failed; retried next period", _spec.TrialId);
        }
    }

    private async Task ReportStartOnceAsync(ISweepGrain coordinator)
    {
        var start = _startStep;
        if (_startReported || start < 0 || _spec is null)
        {
            return;
        }
        _startReported = true;
        await coordinator.ReportStartedAsync(_spec.TrialId, Silo, start);
    }
}
