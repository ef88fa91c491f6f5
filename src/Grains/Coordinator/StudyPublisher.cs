using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;

namespace Sweep.Grains.Coordinator;

/// <summary>Builds the study report from everything the store holds for the sweep and saves it there.</summary>
public sealed class StudyPublisher(ISweepStore store) : IStudyPublisher
{
    public Task PublishAsync(SweepDefinition sweep, CancellationToken cancellationToken) =>
        StoredStudy.PublishAsync(store, sweep, cancellationToken);
}
