using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The semantics every <see cref="ISweepStore"/> backend must have. Each concrete subclass supplies a fresh, empty
/// store per test and a way to damage a stored checkpoint.
/// </summary>
public abstract class SweepStoreConformanceTests : FreshStoreTests
{
    [Fact]
    public async Task CreateSweep_StoresDefinitionWithEveryTrialPending()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 6);

        var created = await Store.CreateSweepAsync(sweep, Ct);
        var stored = await Store.GetSweepAsync("alpha", Ct);
        var statuses = await Store.GetTrialStatusesAsync("alpha", Ct);

        Assert.Equal(sweep.GridHash, created.GridHash);
        Assert.NotNull(stored);
        Assert.Equal(sweep.Trials, stored.Trials);
        Assert.Equal(sweep.Studies, stored.Studies);
        Assert.Equal(sweep.CreatedAt, stored.CreatedAt);
        Assert.Equal(sweep.GridJson, stored.GridJson);
        Assert.Equal(sweep.Trials.Select(t => t.TrialId).Order(), statuses.Keys.Order());
        Assert.All(statuses.Values, s => Assert.Equal((TrialStatus.Pending, 0), s));
    }

    [Fact]
    public async Task CreateSweep_SameGridAgain_ReturnsTheStoredDefinition()
    {
        var first = StoreTestData.Sweep("alpha", createdAt: DateTimeOffset.UnixEpoch.AddDays(100));
        await Store.CreateSweepAsync(first, Ct);

        var again = await Store.CreateSweepAsync(StoreTestData.Sweep("alpha", createdAt: DateTimeOffset.UnixEpoch.AddDays(200)), Ct);

        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Single(await Store.ListSweepsAsync(Ct));
    }

    [Fact]
    public async Task CreateSweep_DifferentGridUnderSameName_ThrowsConflict()
    {
        await Store.CreateSweepAsync(StoreTestData.Sweep("alpha", gridHash: "hash-a"), Ct);

        var error = await Assert.ThrowsAsync<SweepConflictException>(() => Store.CreateSweepAsync(StoreTestData.Sweep("alpha", gridHash: "hash-b"), Ct));

        Assert.Contains("alpha", error.Message);
        Assert.Equal("hash-a", (await Store.GetSweepAsync("alpha", Ct))!.GridHash);
    }

    [Fact]
    public async Task CreateSweep_ConcurrentSubmissionsOfTheSameGrid_AllGetTheOneStoredSweep()
    {
        var submissions = Enumerable.Range(0, 8)
            .Select(i => StoreTestData.Sweep("alpha", trials: 20, createdAt: DateTimeOffset.UnixEpoch.AddDays(i)))
            .ToArray();

        var created = await Task.WhenAll(submissions.Select(s => Task.Run(() => Store.CreateSweepAsync(s, Ct), Ct)));

        Assert.Single(created.Select(c => c.CreatedAt).Distinct());
        Assert.Equal(created[0].CreatedAt, (await Store.GetSweepAsync("alpha", Ct))!.CreatedAt);
        Assert.Equal(20, (await Store.GetTrialStatusesAsync("alpha", Ct)).Count);
    }

    [Fact]
    public async Task ListSweeps_ReturnsNewestFirst()
    {
        await Store.CreateSweepAsync(StoreTestData.Sweep("older", createdAt: DateTimeOffset.UnixEpoch.AddDays(1)), Ct);
        await Store.CreateSweepAsync(StoreTestData.Sweep("newest", createdAt: DateTimeOffset.UnixEpoch.AddDays(3)), Ct);
        await Store.CreateSweepAsync(StoreTestData.Sweep("middle", createdAt: DateTimeOffset.UnixEpoch.AddDays(2)), Ct);

        var sweeps = await Store.ListSweepsAsync(Ct);

        Assert.Equal(["newest", "middle", "older"], sweeps.Select(s => s.SweepId));
    }

    [Fact]
    public async Task UnknownSweep_ReadsAsAbsent()
    {
        Assert.Null(await Store.GetSweepAsync("nothing", Ct));
        Assert.Empty(await Store.GetTrialStatusesAsync("nothing", Ct));
        Assert.Empty(await Store.GetResultsAsync("nothing", Ct));
        Assert.Null(await Store.GetStudyAsync("nothing", Ct));
        Assert.Null(await Store.GetResultAsync("nothing.trial", Ct));
        Assert.Null(await Store.GetPredictionsAsync("nothing.trial", PredictionSplit.Test, Ct));
    }

    [Fact]
    public async Task AHealthyStore_ReportsNoDamage()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Running, 5, Ct);
        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 1), Ct);
        await Store.SaveStudyAsync("alpha", "{}", Ct);

        Assert.Empty(await Store.GetDamageAsync(null, Ct));
        Assert.Empty(await Store.GetDamageAsync("alpha", Ct));
        Assert.Empty(await Store.GetDamageAsync("absent", Ct));
        await Assert.ThrowsAsync<StoreException>(() => Store.GetDamageAsync("../x", Ct));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("space here")]
    public async Task UnsafeIds_AreRejectedWithTheAllowedCharacters(string id)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.LoadCheckpointAsync(id, Ct));
        Assert.Contains("[A-Za-z0-9_.-]", error.Message);
        await Assert.ThrowsAsync<StoreException>(() => Store.CreateSweepAsync(StoreTestData.Sweep("ok") with { SweepId = id }, Ct));
    }

    [Fact]
    public async Task SetTrialStatus_IsReportedByGetTrialStatuses()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);

        await Store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Running, 40, Ct);

        var statuses = await Store.GetTrialStatusesAsync("alpha", Ct);
        Assert.Equal((TrialStatus.Running, 40), statuses[sweep.Trials[1].TrialId]);
        Assert.Equal((TrialStatus.Pending, 0), statuses[sweep.Trials[0].TrialId]);
    }

    [Fact]
    public async Task SetTrialStatus_AfterResult_IsIgnored()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0];
        await Store.SaveResultAsync(StoreTestData.Result(trial, seed: 1, status: TrialStatus.Diverged), Ct);

        await Store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, 5, Ct);

        Assert.Equal((TrialStatus.Diverged, trial.Training.Steps), (await Store.GetTrialStatusesAsync("alpha", Ct))[trial.TrialId]);
    }

    [Fact]
    public async Task WritesForUnknownTrials_ThrowKeyNotFound()
    {
        await Store.CreateSweepAsync(StoreTestData.Sweep("alpha"), Ct);
        var stranger = StoreTestData.Sweep("beta").Trials[0];

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetTrialStatusAsync(stranger.TrialId, TrialStatus.Running, 1, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveCheckpointAsync(stranger.TrialId, 1, new byte[] { 1 }, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveResultAsync(StoreTestData.Result(stranger, seed: 1), Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveStudyAsync("beta", "{}", Ct));
    }

    [Fact]
    public async Task LoadCheckpoint_ReturnsTheNewestStep()
    {
        var trial = await CreateTrialAsync();
        await Store.SaveCheckpointAsync(trial, 10, Bytes(10, 1000), Ct);
        await Store.SaveCheckpointAsync(trial, 30, Bytes(30, 3000), Ct);
        await Store.SaveCheckpointAsync(trial, 20, Bytes(20, 2000), Ct);

        var checkpoint = await Store.LoadCheckpointAsync(trial, Ct);

        Assert.NotNull(checkpoint);
        Assert.Equal(trial, checkpoint.TrialId);
        Assert.Equal(30, checkpoint.Step);
        Assert.Equal(Bytes(30, 3000), checkpoint.Data);
        Assert.InRange(checkpoint.SavedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task SaveCheckpoint_KeepsOnlyTheNewestTwo()
    {
        var trial = await CreateTrialAsync();
        for (var step = 1; step <= 5; step++)
        {
            await Store.SaveCheckpointAsync(trial, step * 100, Bytes(step, 64), Ct);
        }

        Assert.Equal(new[] { 500, 400 }, await StoredCheckpointStepsAsync(trial));
    }

    [Fact]
    public async Task SaveCheckpoint_SameStepAgain_ReplacesIt()
    {
        var trial = await CreateTrialAsync();
        await Store.SaveCheckpointAsync(trial, 100, Bytes(1, 64), Ct);
        await Store.SaveCheckpointAsync(trial, 100, Bytes(2, 80), Ct);

        var checkpoint = await Store.LoadCheckpointAsync(trial, Ct);

        Assert.Equal(Bytes(2, 80), checkpoint!.Data);
        Assert.Equal(new[] { 100 }, await StoredCheckpointStepsAsync(trial));
    }

    [Fact]
    public async Task LoadCheckpoint_CorruptNewest_FallsBackToTheOlder()
    {
        var trial = await CreateTrialAsync();
        await Store.SaveCheckpointAsync(trial, 100, Bytes(1, 4096), Ct);
        await Store.SaveCheckpointAsync(trial, 200, Bytes(2, 4096), Ct);

        await CorruptCheckpointAsync(trial, 200);
        var checkpoint = await Store.LoadCheckpointAsync(trial, Ct);

        Assert.NotNull(checkpoint);
        Assert.Equal(100, checkpoint.Step);
        Assert.Equal(Bytes(1, 4096), checkpoint.Data);
    }

    [Fact]
    public async Task LoadCheckpoint_AllCorrupt_ReturnsNull()
    {
        var trial = await CreateTrialAsync();
        await Store.SaveCheckpointAsync(trial, 100, Bytes(1, 512), Ct);
        await Store.SaveCheckpointAsync(trial, 200, Bytes(2, 512), Ct);

        await CorruptCheckpointAsync(trial, 100);
        await CorruptCheckpointAsync(trial, 200);

        Assert.Null(await Store.LoadCheckpointAsync(trial, Ct));
    }

    [Fact]
    public async Task LoadCheckpoint_TrialWithoutCheckpoints_ReturnsNull()
    {
        var trial = await CreateTrialAsync();

        Assert.Null(await Store.LoadCheckpointAsync(trial, Ct));
        Assert.Null(await Store.LoadCheckpointAsync("never.seen.trial", Ct));
    }

    [Fact]
    public async Task SaveCheckpoint_ConcurrentWritersOfOneTrial_LeaveTheNewestTwo()
    {
        var trial = await CreateTrialAsync();

        await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Task.Run(() => Store.SaveCheckpointAsync(trial, i * 10, Bytes(i, 256), Ct))));

        Assert.Equal(new[] { 120, 110 }, await StoredCheckpointStepsAsync(trial));
        Assert.Equal(Bytes(12, 256), (await Store.LoadCheckpointAsync(trial, Ct))!.Data);
    }

    [Fact]
    public async Task Result_RoundTripsBitExact()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        // The size of the real SVHN test set: 26 032 images × 10 classes.
        var result = StoreTestData.Result(sweep.Trials[2], seed: 9, predictionCount: 26_032);

        Assert.True(await Store.SaveResultAsync(result, Ct));

        StoreTestData.AssertSame(result, await Store.GetResultAsync(sweep.Trials[2].TrialId, Ct));
        StoreTestData.AssertSame(result.TestPredictions, await Store.GetPredictionsAsync(sweep.Trials[2].TrialId, PredictionSplit.Test, Ct));
        StoreTestData.AssertSame(result.DevPredictions, await Store.GetPredictionsAsync(sweep.Trials[2].TrialId, PredictionSplit.Dev, Ct));
    }

    [Fact]
    public async Task Result_WithoutPredictionsOrEvaluations_RoundTrips()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var result = StoreTestData.Result(sweep.Trials[0], seed: 3, status: TrialStatus.Failed) with
        {
            Train = null, Dev = null, Test = null, DevPredictions = null, TestPredictions = null, Curve = [],
        };

        Assert.True(await Store.SaveResultAsync(result, Ct));

        StoreTestData.AssertSame(result, await Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.Null(await Store.GetPredictionsAsync(sweep.Trials[0].TrialId, PredictionSplit.Test, Ct));
    }

    [Fact]
    public async Task FailedResult_KeepsItsError_ThroughGetResultGetResultsAndGetTrialErrors()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        const string message = "Dataset file 'x.bin' is truncated: 12 of 3072 bytes;\nline two, with \"quotes\", commas and ünïcode";
        var failed = StoreTestData.Result(sweep.Trials[0], seed: 5, status: TrialStatus.Failed) with
        {
            Train = null, Dev = null, Test = null, DevPredictions = null, TestPredictions = null, Curve = [], Error = message,
        };
        var completed = StoreTestData.Result(sweep.Trials[1], seed: 6);

        Assert.True(await Store.SaveResultAsync(failed, Ct));
        Assert.True(await Store.SaveResultAsync(completed, Ct));

        StoreTestData.AssertSame(failed, await Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.Null((await Store.GetResultAsync(sweep.Trials[1].TrialId, Ct))!.Error);
        Assert.Equal(message, Assert.Single(await Store.GetResultsAsync("alpha", Ct), r => r.Row.Status == TrialStatus.Failed).Error);
        var errors = await Store.GetTrialErrorsAsync("alpha", Ct);
        Assert.Equal(sweep.Trials[0].TrialId, Assert.Single(errors).Key);
        Assert.Equal(message, errors[sweep.Trials[0].TrialId]);
        Assert.Empty(await Store.GetTrialErrorsAsync("no-such-sweep", Ct));
    }

    [Fact]
    public async Task SaveResult_ErrorOnANonFailedResult_IsRejected()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var result = StoreTestData.Result(sweep.Trials[0], seed: 1) with { Error = "not a failure" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveResultAsync(result, Ct));

        Assert.Contains("only a Failed result carries an error", error.Message);
        Assert.Null(await Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
    }

    [Fact]
    public async Task SaveResult_SecondTime_ReturnsFalseAndKeepsTheFirst()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var first = StoreTestData.Result(sweep.Trials[0], seed: 1);

        Assert.True(await Store.SaveResultAsync(first, Ct));
        Assert.False(await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[0], seed: 2, status: TrialStatus.Failed), Ct));

        StoreTestData.AssertSame(first, await Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
        Assert.Equal((TrialStatus.Completed, first.Row.Steps), (await Store.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[0].TrialId]);
    }

    [Fact]
    public async Task SaveResult_ManyConcurrentCallers_ExactlyOneWins()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[1];
        var candidates = Enumerable.Range(0, 16).Select(seed => StoreTestData.Result(trial, seed)).ToArray();

        var outcomes = await Task.WhenAll(candidates.Select(c => Task.Run(() => Store.SaveResultAsync(c, Ct))));

        Assert.Single(outcomes, won => won);
        var winner = candidates[Array.IndexOf(outcomes, true)];
        StoreTestData.AssertSame(winner, await Store.GetResultAsync(trial.TrialId, Ct));
    }

    [Fact]
    public async Task SaveResult_SetsStatusAndSteps()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SetTrialStatusAsync(sweep.Trials[3].TrialId, TrialStatus.Running, 50, Ct);

        await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[3], seed: 4, status: TrialStatus.Cancelled), Ct);

        Assert.Equal((TrialStatus.Cancelled, sweep.Trials[3].Training.Steps), (await Store.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[3].TrialId]);
    }

    [Fact]
    public async Task SaveResult_RowThatDisagreesWithTheTrial_IsRejected()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var result = StoreTestData.Result(sweep.Trials[0], seed: 1);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveResultAsync(result with { Row = result.Row with { Seed = 99 } }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveResultAsync(result with { Row = result.Row with { Status = TrialStatus.Running } }, Ct));

        Assert.Contains("seed", error.Message);
        Assert.Null(await Store.GetResultAsync(sweep.Trials[0].TrialId, Ct));
    }

    [Fact]
    public async Task GetResults_ReturnsFinishedTrialsOfTheSweepInTrialIdOrder()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 5);
        var other = StoreTestData.Sweep("beta", trials: 2);
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.CreateSweepAsync(other, Ct);
        foreach (var trial in new[] { sweep.Trials[4], sweep.Trials[0], sweep.Trials[2], other.Trials[0] })
        {
            await Store.SaveResultAsync(StoreTestData.Result(trial, seed: trial.Seed), Ct);
        }

        var results = await Store.GetResultsAsync("alpha", Ct);

        Assert.Equal(
            new[] { sweep.Trials[4], sweep.Trials[0], sweep.Trials[2] }.Select(t => t.TrialId).Order(StringComparer.Ordinal),
            results.Select(r => r.Row.TrialId));
        StoreTestData.AssertSame(StoreTestData.Result(sweep.Trials[2], seed: sweep.Trials[2].Seed), results.Single(r => r.Row.TrialId == sweep.Trials[2].TrialId));
    }

    [Fact]
    public async Task Leaderboard_SortsBestFirstWithNaNLastAndTiesByTrialId()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 6);
        await Store.CreateSweepAsync(sweep, Ct);
        double[] accuracies = [0.5, double.NaN, 0.9, 0.5, 0.7, 0.1];
        for (var i = 0; i < 5; i++)
        {
            await Store.SaveResultAsync(StoreTestData.Result(sweep.Trials[i], seed: i, testAccuracy: accuracies[i], wallSeconds: 10 - i), Ct);
        }

        await Store.SetTrialStatusAsync(sweep.Trials[5].TrialId, TrialStatus.Running, 3, Ct);

        var byAccuracy = await Store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: "alpha"), Ct);
        var byWall = await Store.QueryLeaderboardAsync(new LeaderboardQuery(Metric: "wallSeconds", Top: 2), Ct);

        var ties = new[] { sweep.Trials[0].TrialId, sweep.Trials[3].TrialId }.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [sweep.Trials[2].TrialId, sweep.Trials[4].TrialId, ties[0], ties[1], sweep.Trials[1].TrialId],
            byAccuracy.Select(r => r.TrialId));
        Assert.Equal([sweep.Trials[4].TrialId, sweep.Trials[3].TrialId], byWall.Select(r => r.TrialId));
    }

    [Fact]
    public async Task Leaderboard_FiltersBySweepDatasetAndArchitecture()
    {
        var alpha = StoreTestData.Sweep("alpha", trials: 8);
        var beta = StoreTestData.Sweep("beta", trials: 4);
        await Store.CreateSweepAsync(alpha, Ct);
        await Store.CreateSweepAsync(beta, Ct);
        foreach (var trial in alpha.Trials.Concat(beta.Trials))
        {
            await Store.SaveResultAsync(StoreTestData.Result(trial, seed: trial.Seed + trial.SweepId.Length), Ct);
        }

        var all = await Store.QueryLeaderboardAsync(new LeaderboardQuery(), Ct);
        var alphaOnly = await Store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: "alpha"), Ct);
        var mnistCnn = await Store.QueryLeaderboardAsync(new LeaderboardQuery(Dataset: "mnist", Architecture: "cnn"), Ct);
        var top3 = await Store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: "beta", Metric: "devAccuracy", Top: 3), Ct);

        Assert.Equal(12, all.Count);
        Assert.Equal(8, alphaOnly.Count);
        Assert.All(alphaOnly, r => Assert.Equal("alpha", r.SweepId));
        var expected = alpha.Trials.Concat(beta.Trials).Count(t => t.Dataset.Name == "mnist" && t.Architecture == "cnn");
        Assert.Equal(expected, mnistCnn.Count);
        Assert.All(mnistCnn, r => Assert.True(r.Dataset == "mnist" && r.Architecture == "cnn"));
        Assert.Equal(3, top3.Count);
        Assert.Equal(top3.Select(r => r.DevAccuracy).OrderDescending(), top3.Select(r => r.DevAccuracy));
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.True(pair.First.TestAccuracy >= pair.Second.TestAccuracy));
    }

    [Fact]
    public async Task Leaderboard_UnknownMetricOrBadTop_IsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryLeaderboardAsync(new LeaderboardQuery(Metric: "accuracy"), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.QueryLeaderboardAsync(new LeaderboardQuery(Top: 0), Ct));

        Assert.Contains("testAccuracy", error.Message);
    }

    [Fact]
    public async Task Study_IsStoredReplacedAndReadBack()
    {
        await Store.CreateSweepAsync(StoreTestData.Sweep("alpha"), Ct);

        await Store.SaveStudyAsync("alpha", """{"denseVsConv": {"wins": 3}}""", Ct);
        await Store.SaveStudyAsync("alpha", """{ "denseVsConv": {"wins": 4},  "filters": [1, 2.5e-3] }""", Ct);

        Assert.Equal("""{ "denseVsConv": {"wins": 4},  "filters": [1, 2.5e-3] }""", await Store.GetStudyAsync("alpha", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveStudyAsync("alpha", "not json", Ct));
    }

    [Fact]
    public async Task FreshInstanceOverTheSameLocation_SeesEverything()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        await Store.SetTrialStatusAsync(sweep.Trials[0].TrialId, TrialStatus.Running, 7, Ct);
        await Store.SaveCheckpointAsync(sweep.Trials[0].TrialId, 7, Bytes(7, 333), Ct);
        var result = StoreTestData.Result(sweep.Trials[1], seed: 5);
        await Store.SaveResultAsync(result, Ct);
        await Store.SaveStudyAsync("alpha", "[1,2,3]", Ct);

        var reopened = await ReopenStoreAsync();
        try
        {
            Assert.Equal(sweep.Trials, (await reopened.GetSweepAsync("alpha", Ct))!.Trials);
            Assert.Equal((TrialStatus.Running, 7), (await reopened.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[0].TrialId]);
            Assert.Equal(Bytes(7, 333), (await reopened.LoadCheckpointAsync(sweep.Trials[0].TrialId, Ct))!.Data);
            StoreTestData.AssertSame(result, await reopened.GetResultAsync(sweep.Trials[1].TrialId, Ct));
            Assert.False(await reopened.SaveResultAsync(StoreTestData.Result(sweep.Trials[1], seed: 6), Ct));
            Assert.Equal("[1,2,3]", await reopened.GetStudyAsync("alpha", Ct));
            Assert.Single(await reopened.QueryLeaderboardAsync(new LeaderboardQuery(), Ct));
        }
        finally
        {
            if (reopened is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    /// <summary>A second instance over the same location as <see cref="FreshStoreTests.Store"/>.</summary>
    protected abstract Task<ISweepStore> ReopenStoreAsync();

    /// <summary>Damages the stored bytes of one checkpoint behind the store's back.</summary>
    protected abstract Task CorruptCheckpointAsync(string trialId, int step);

    /// <summary>Steps of the checkpoints physically stored for a trial, newest first.</summary>
    protected abstract Task<int[]> StoredCheckpointStepsAsync(string trialId);

    private static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<string> CreateTrialAsync()
    {
        var sweep = StoreTestData.Sweep("ckpt");
        await Store.CreateSweepAsync(sweep, Ct);
        return sweep.Trials[0].TrialId;
    }
}
