using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.InMemory;

namespace Sweep.Grains.Tests.Studies;

/// <summary>In-memory stores holding study fixtures, written through <see cref="ISweepStore"/> like a sweep writes them.</summary>
internal static class StudyStores
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store holding <see cref="StudyFixtures.SmallFullSweep"/> with every result.</summary>
    public static async Task<(InMemorySweepStore Store, SweepDefinition Sweep, List<TrialResultRecord> Results)> WithSmallFullSweepAsync()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        return (await WithAsync(sweep, results), sweep, results);
    }

    /// <summary>A store holding the sweep, the results, and for trials without one the given statuses (else pending).</summary>
    public static async Task<InMemorySweepStore> WithAsync(SweepDefinition sweep, IEnumerable<TrialResultRecord> results, IReadOnlyDictionary<string, TrialStatus>? statuses = null)
    {
        var store = new InMemorySweepStore();
        await store.CreateSweepAsync(sweep, Ct);
        foreach (var (trialId, status) in statuses ?? new Dictionary<string, TrialStatus>())
        {
            await store.SetTrialStatusAsync(trialId, status, 0, Ct);
        }

        foreach (var result in results)
        {
            Assert.True(await store.SaveResultAsync(result, Ct));
        }

        return store;
    }
}
