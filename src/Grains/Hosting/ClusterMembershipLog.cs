using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Training;
namespace Sweep.Grains.Hosting;

/// <summary>
/// One log line (category <c>Sweep.Cluster</c>, Information) when this silo becomes an active member of the
/// cluster, and one when any member, this one included, is declared dead — read from Orleans' membership updates.
/// </summary>
public sealed class ClusterMembershipLog(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    SweepRuntimeOptions runtime,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger(SweepHosting.ClusterLogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var joined = false;
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)))
                {
                    // Members dead before this silo joined (older generations, earlier runs) are history, not news.
                    if (joined || member.SiloAddress.Equals(silo.SiloAddress))
                    {
                        _logger.LogInformation("Silo {Dead} was declared dead{Self}",
                            member.SiloAddress, member.SiloAddress.Equals(silo.SiloAddress) ? " (this silo)" : "");
                    }
                }
                if (!joined && snapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active)
                {
                    joined = true;
                    var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
                    _logger.LogInformation("Silo {Silo} joined the cluster with {Slots} trainer slot(s); {Active} active silo(s)",
                        silo.SiloAddress, Math.Max(1, runtime.TrainerSlots), active);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }
}
