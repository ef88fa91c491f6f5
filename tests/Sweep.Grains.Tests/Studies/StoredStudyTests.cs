using Sweep.Grains.Studies;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Studies;

public sealed class StoredStudyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_SavesTheReportBuiltFromTheStore()
    {
        var (store, sweep, results) = await StudyStores.WithSmallFullSweepAsync();

        var report = await StoredStudy.PublishAsync(store, sweep, Ct);

        Assert.Equal(StudyBuilder.Build(sweep, results).ToJson(), report.ToJson());
        Assert.Equal(report.ToJson(), await store.GetStudyAsync(sweep.SweepId, Ct));
        Assert.Equal(report.ToJson(), (await StoredStudy.LoadCompleteAsync(store, sweep, Ct))!.ToJson());
    }

    [Fact]
    public async Task LoadComplete_IgnoresPartialForeignAndUnreadableReports()
    {
        var (store, sweep, results) = await StudyStores.WithSmallFullSweepAsync();

        await store.SaveStudyAsync(sweep.SweepId, StudyBuilder.Build(sweep, results.Skip(1).ToList()).ToJson(), Ct);
        Assert.Null(await StoredStudy.LoadCompleteAsync(store, sweep, Ct));

        await store.SaveStudyAsync(sweep.SweepId, StudyBuilder.Build(sweep with { GridHash = "other" }, results).ToJson(), Ct);
        Assert.Null(await StoredStudy.LoadCompleteAsync(store, sweep, Ct));

        await store.SaveStudyAsync(sweep.SweepId, "{\"schemaVersion\": \"x\"}", Ct);
        Assert.Null(await StoredStudy.LoadCompleteAsync(store, sweep, Ct));

        await store.SaveStudyAsync(sweep.SweepId, StudyBuilder.Build(sweep, results).ToJson(), Ct);
        Assert.NotNull(await StoredStudy.LoadCompleteAsync(store, sweep, Ct));
    }

    [Fact]
    public async Task Compute_UsesStoredStatusesForTrialsWithoutResults()
    {
        var (sweep, results) = StudyFixtures.SmallFullSweep();
        var store = await StudyStores.WithAsync(sweep, results.Skip(1), new Dictionary<string, TrialStatus> { [results[0].Row.TrialId] = TrialStatus.Failed });

        var (report, stored) = await StoredStudy.ComputeAsync(store, sweep, Ct);

        Assert.Equal(results.Count - 1, stored.Count);
        Assert.Equal(1, report.Trials.Failed);
        Assert.True(report.Complete);
        Assert.False(report.Datasets[0].DenseVsConv[0].Complete);
    }
}
