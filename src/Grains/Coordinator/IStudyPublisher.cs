using Sweep.Grains.Contracts;

namespace Sweep.Grains.Coordinator;

/// <summary>Rebuilds a sweep's study report from its stored results and saves it to the store.</summary>
public interface IStudyPublisher
{
    Task PublishAsync(SweepDefinition sweep, CancellationToken cancellationToken);
}
