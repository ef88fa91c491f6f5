using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sweep.Grains.Contracts;
using Sweep.Grains.Coordinator;

namespace Sweep.Grains.Training;

/// <summary>
/// The silo's trainer slots: each one pulls the next pending trial from the active sweeps and activates that
/// trial's grain here (the grain prefers the caller's silo), then waits for it to end before pulling again. A
/// silo that joins mid-sweep starts pulling at once; a slow one simply pulls less.
/// </summary>
public sealed class TrainerSlots(
    IGrainFactory grains,
    SweepRuntimeOptions options,
    ILocalSiloDetails siloDetails,
    IHostApplicationLifetime lifetime,
    ILogger<TrainerSlots> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Math.Max(1, options.TrainerSlots);
        logger.LogInformation("Silo {Silo}: {Slots} trainer slot(s)", siloDetails.SiloAddress, slots);
        return Task.WhenAll(Enumerable.Range(0, slots).Select(i => Task.Run(() => RunSlotAsync(i, stoppingToken), stoppingToken)));
    }

    private async Task RunSlotAsync(int slot, CancellationToken stoppingToken)
    {
        var silo = siloDetails.SiloAddress.ToString();
        // The application starts stopping (Ctrl-C, SIGTERM) before this service's own token is cancelled: a slot
        // must not lease new work in between, or the trial would be marked running with nothing to train it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lease = await LeaseAsync(slot, silo);
                if (lease is null)
                {
                    await Task.Delay(options.IdlePoll, stoppingToken);
                    continue;
                }
                var trial = grains.GetGrain<ITrialGrain>(lease.Spec.TrialId);
                try
                {
                    await trial.StartAsync(lease);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The grain could not be started here (its old activation's silo is not yet declared dead, say):
                    // hand the lease back now instead of leaving the trial 'running' until the lease runs out.
                    logger.LogWarning(ex, "Trainer slot {Slot}: trial {TrialId} could not be started; handing its lease back", slot, lease.Spec.TrialId);
                    await grains.GetGrain<ISweepGrain>(lease.Spec.SweepId).ReleaseAsync(lease.Spec.TrialId, lease.LeaseId, lease.Steps, $"its start on {silo} failed: {ex.Message}");
                    await Task.Delay(options.IdlePoll, stoppingToken);
                    continue;
                }
                // Short waits: the runtime lets a wait in progress finish before it deactivates the grain (say, when
                // its directory entry is lost with a dead silo), and the grain hands the trial back only then.
                while (!await trial.WaitForEndAsync(TimeSpan.FromSeconds(1)))
                {
                    stoppingToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Trainer slot {Slot}: pulling work failed; trying again", slot);
                await Task.Delay(options.IdlePoll, CancellationToken.None);
            }
        }
    }

    private async Task<TrialLease?> LeaseAsync(int slot, string silo)
    {
        var active = await grains.GetGrain<ISweepRegistryGrain>(0).GetActiveAsync();
        // Slots start at different sweeps so that concurrent sweeps share a silo instead of queueing.
        for (var i = 0; i < active.Length; i++)
        {
            var sweepId = active[(slot + i) % active.Length];
            var lease = await grains.GetGrain<ISweepGrain>(sweepId).LeaseAsync(silo);
            if (lease is not null)
            {
                return lease;
            }
        }
        return null;
    }
}
