using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Views;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The fast queries (aggregate counts, a leaderboard cut by the store, trial pages) give exactly the answers of the
/// slow reads they replace (every status, every result): ordering, ties, NaN, filters, every metric, pruned trials apart.
/// </summary>
public abstract partial class SweepStoreConformanceTests
{
    [Fact]
    public async Task SweepCounts_AreTheStatusesReadOneByOne_Counted()
    {
        var (alpha, beta) = await MixedSweepsAsync();

        var all = await Store.GetSweepCountsAsync(null, Ct);
        var onlyBeta = await Store.GetSweepCountsAsync("beta", Ct);

        Assert.Empty(all.Damage);
        Assert.Equal(["beta", "alpha"], all.Sweeps.Select(s => s.SweepId));
        foreach (var (counts, sweep) in all.Sweeps.Zip(new[] { beta, alpha }))
        {
            var statuses = await Store.GetTrialStatusesAsync(sweep.SweepId, Ct);
            var expected = sweep.Trials.GroupBy(t => statuses.TryGetValue(t.TrialId, out var s) ? s.Status : TrialStatus.Pending)
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(expected.OrderBy(p => p.Key), counts.Statuses.Where(p => p.Value > 0).OrderBy(p => p.Key));
            Assert.Equal(sweep.Trials.Length, counts.Total);
            Assert.Empty(counts.DamagedTrials);
            Assert.Equal(sweep.CreatedAt, counts.CreatedAt);
        }

        Assert.Equal("beta", Assert.Single(onlyBeta.Sweeps).SweepId);
        Assert.Empty((await Store.GetSweepCountsAsync("gamma", Ct)).Sweeps);
        Assert.Equal(
            SweepStatusRow.From(beta, await Store.GetTrialStatusesAsync("beta", Ct), new HashSet<string>()),
            SweepStatusRow.From(onlyBeta.Sweeps[0]));
    }

    [Fact]
    public async Task LeaderboardCutByTheStore_IsTheHeadOfTheWholeBoard_ForEveryMetricFilterAndTop()
    {
        var (alpha, beta) = await MixedSweepsAsync();

        var everyRow = await AssertLeaderboardsAreTheHeadOfTheWholeBoardAsync(Store);

        Assert.True(alpha.Trials.Length + beta.Trials.Length > everyRow.Count, "some trials have no result");
    }

    /// <summary>
    /// Every leaderboard the store cuts over <see cref="MixedSweepsAsync(ISweepStore)"/>'s sweeps (every metric,
    /// sweep, filter, pruned or not, and top) is the head of the whole board sorted from every result; the rows. With
    /// <paramref name="reopen"/> each query is asked of a store opened for it (nothing decoded by an earlier query).
    /// </summary>
    internal static async Task<List<LeaderboardRow>> AssertLeaderboardsAreTheHeadOfTheWholeBoardAsync(ISweepStore store, Func<ISweepStore>? reopen = null)
    {
        var everyRow = (await store.GetResultsAsync("alpha", Ct)).Concat(await store.GetResultsAsync("beta", Ct)).Select(r => r.Row).ToList();
        foreach (var metric in LeaderboardQuery.Metrics)
        {
            foreach (var sweepId in new[] { null, "alpha", "beta" })
            {
                foreach (var (dataset, architecture) in new[] { ((string?)null, (string?)null), ("mnist", null), (null, "cnn"), ("cifar10", "dnn") })
                {
                    foreach (var pruned in new bool?[] { null, false, true })
                    {
                        var query = new LeaderboardQuery(sweepId, dataset, architecture, metric, Pruned: pruned);
                        var whole = LeaderboardOrder.Apply(everyRow, query);
                        Assert.Equal(whole, await (reopen?.Invoke() ?? store).QueryLeaderboardAsync(query, Ct));
                        foreach (var top in new[] { 1, 2, 3, 7, 100 })
                        {
                            Assert.Equal(whole.Take(top), await (reopen?.Invoke() ?? store).QueryLeaderboardAsync(query with { Top = top }, Ct));
                        }
                    }
                }
            }
        }

        Assert.Contains(everyRow, r => double.IsNaN(r.TestAccuracy));
        Assert.Contains(everyRow, r => r.Status == TrialStatus.Pruned);
        return everyRow;
    }

    [Fact]
    public async Task RankedLeaderboard_ReadByTheStore_IsTheWholeBoardSplit()
    {
        await MixedSweepsAsync();
        var query = new LeaderboardQuery(SweepId: "alpha", Top: 3);

        var whole = RankedLeaderboard.Of(await Store.QueryLeaderboardAsync(query with { Top = null }, Ct), 3);
        var read = await RankedLeaderboard.ReadAsync(Store, query, Ct);
        var (verified, damage) = await RankedLeaderboard.ReadVerifiedAsync(Store, query, Ct);

        Assert.Equal(whole.Rows, read.Rows);
        Assert.Equal(whole.Rows, verified.Rows);
        Assert.Empty(damage);
        Assert.Equal(3, whole.Ranked.Count);
        Assert.NotEmpty(whole.Pruned);
    }

    [Fact]
    public async Task TrialPages_AreTheSlowListing_InTheDefinitionsOrder()
    {
        var (alpha, _) = await MixedSweepsAsync();
        var statuses = await Store.GetTrialStatusesAsync("alpha", Ct);
        var results = (await Store.GetResultsAsync("alpha", Ct)).ToDictionary(r => r.Row.TrialId);
        var errors = await Store.GetTrialErrorsAsync("alpha", Ct);
        var slow = alpha.Trials.Select(t =>
        {
            var (status, steps) = statuses.TryGetValue(t.TrialId, out var s) ? s : (TrialStatus.Pending, 0);
            return results.TryGetValue(t.TrialId, out var r)
                ? TrialRow.From(r.Row, errors.GetValueOrDefault(t.TrialId))
                : TrialRow.Unfinished(t, status, steps);
        }).ToList();

        foreach (var (skip, take) in new (int, int?)[] { (0, null), (0, 1), (2, 3), (5, null), (alpha.Trials.Length - 1, 10), (alpha.Trials.Length + 3, 2) })
        {
            var page = await Store.GetTrialPageAsync("alpha", skip, take, Ct);

            Assert.NotNull(page);
            Assert.Equal((alpha.Trials.Length, Math.Min(skip, alpha.Trials.Length), alpha.GridJson), (page.Total, page.Skipped, page.GridJson));
            Assert.Equal(slow.Skip(skip).Take(take ?? int.MaxValue), page.Trials.Select(TrialRow.Of));
            Assert.Empty(page.Damage);
        }

        Assert.Null(await Store.GetTrialPageAsync("gamma", 0, 5, Ct));
        Assert.Contains(slow, r => r.Error is not null);
    }

    [Fact]
    public async Task VerifyingIntactResults_FindsNothing()
    {
        await MixedSweepsAsync();
        var rows = await Store.QueryLeaderboardAsync(new LeaderboardQuery(), Ct);

        Assert.NotEmpty(rows);
        Assert.Empty(await Store.VerifyResultsAsync(rows, Ct));
    }

    /// <summary>
    /// Two sweeps: alpha (12 trials) with completed, failed, diverged and pruned results (ties, a NaN), running,
    /// paused and untouched trials; beta (4 trials, newer) with one result.
    /// </summary>
    private Task<(SweepDefinition Alpha, SweepDefinition Beta)> MixedSweepsAsync() => MixedSweepsAsync(Store);

    /// <inheritdoc cref="MixedSweepsAsync()"/>
    internal static async Task<(SweepDefinition Alpha, SweepDefinition Beta)> MixedSweepsAsync(ISweepStore store)
    {
        var alpha = StoreTestData.Sweep("alpha", trials: 12);
        var beta = StoreTestData.Sweep("beta", trials: 4, createdAt: alpha.CreatedAt.AddMinutes(5));
        await store.CreateSweepAsync(alpha, Ct);
        await store.CreateSweepAsync(beta, Ct);
        double[] accuracies = [0.5, double.NaN, 0.9, 0.5, 0.7, 0.1, 0.5, 0.9];
        TrialStatus[] finals = [TrialStatus.Completed, TrialStatus.Diverged, TrialStatus.Completed, TrialStatus.Pruned, TrialStatus.Completed, TrialStatus.Failed, TrialStatus.Pruned, TrialStatus.Completed];
        for (var i = 0; i < accuracies.Length; i++)
        {
            var result = StoreTestData.Result(alpha.Trials[i], seed: i, status: finals[i], testAccuracy: accuracies[i], wallSeconds: i % 3 == 0 ? 5 : 10 + i);
            if (finals[i] == TrialStatus.Failed)
            {
                result = result with { Error = "the loss went to NaN at step 40" };
            }

            await store.SaveResultAsync(result, Ct);
        }

        await store.SetTrialStatusAsync(alpha.Trials[8].TrialId, TrialStatus.Running, 30, Ct);
        await store.SetTrialStatusAsync(alpha.Trials[9].TrialId, TrialStatus.Paused, 20, Ct);
        await store.SetTrialStatusAsync(alpha.Trials[10].TrialId, TrialStatus.Running, 10, Ct);
        await store.SetTrialStatusAsync(alpha.Trials[10].TrialId, TrialStatus.Pending, 10, Ct);
        await store.SaveResultAsync(StoreTestData.Result(beta.Trials[1], seed: 40, testAccuracy: 0.9), Ct);
        return (alpha, beta);
    }
}
