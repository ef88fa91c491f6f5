using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The semantics every <see cref="ISweepStore"/> backend must have. Each concrete subclass supplies a fresh, empty
/// store per test and a way to damage a stored checkpoint.
/// </summary>
public abstract partial class SweepStoreConformanceTests : FreshStoreTests
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
    public async Task CreateSweep_GridStoredBeforeAutoCheckpoints_ReturnsTheStoredDefinition()
    {
        var stored = await Store.CreateSweepAsync(StoreTestData.Sweep("alpha", gridHash: "hash-500"), Ct);

        var again = await Store.CreateSweepAsync(StoreTestData.Sweep("alpha", gridHash: "hash-auto") with { GridHashBeforeAutoCheckpoints = "hash-500" }, Ct);
        var other = StoreTestData.Sweep("alpha", gridHash: "hash-auto") with { GridHashBeforeAutoCheckpoints = "hash-400" };

        Assert.Equal("hash-500", again.GridHash);
        Assert.Equal(stored.Trials, again.Trials);
        await Assert.ThrowsAsync<SweepConflictException>(() => Store.CreateSweepAsync(other, Ct));
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
    [InlineData("trailing-newline\n")]
    [InlineData("ünïcode")]
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

    [Fact]
    public async Task SetTrialStatus_Paused_RoundTripsAndMayRunAgain()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);

        await Store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Paused, 30, Ct);
        var paused = (await Store.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[1].TrialId];
        await Store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Running, 31, Ct);

        Assert.Equal((TrialStatus.Paused, 30), paused);
        Assert.Equal((TrialStatus.Running, 31), (await Store.GetTrialStatusesAsync("alpha", Ct))[sweep.Trials[1].TrialId]);
    }

    [Fact]
    public async Task PrunedResult_RoundTripsThroughEveryRead_WithTheRungsStep()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[2];
        var full = StoreTestData.Result(trial, seed: 4, status: TrialStatus.Pruned);
        var pruned = full with { Row = full.Row with { Steps = 20 }, Curve = full.Curve.Where(p => p.Step <= 20).ToArray() };

        Assert.True(await Store.SaveResultAsync(pruned, Ct));
        await Store.SetTrialStatusAsync(trial.TrialId, TrialStatus.Running, 25, Ct);

        StoreTestData.AssertSame(pruned, await Store.GetResultAsync(trial.TrialId, Ct));
        StoreTestData.AssertSame(pruned, Assert.Single(await Store.GetResultsAsync("alpha", Ct)));
        var row = Assert.Single(await Store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: "alpha"), Ct));
        Assert.Equal((trial.TrialId, TrialStatus.Pruned, 20), (row.TrialId, row.Status, row.Steps));
        Assert.Equal((TrialStatus.Pruned, 20), (await Store.GetTrialStatusesAsync("alpha", Ct))[trial.TrialId]);
        Assert.False(await Store.SaveResultAsync(StoreTestData.Result(trial, seed: 5), Ct));
    }

    [Theory]
    [InlineData(RungVerdict.Continue, RungVerdict.Prune)]
    [InlineData(RungVerdict.Continue, RungVerdict.Pause)]
    [InlineData(RungVerdict.Prune, RungVerdict.Continue)]
    [InlineData(RungVerdict.Prune, RungVerdict.Pause)]
    [InlineData(RungVerdict.Pause, RungVerdict.Pause)]
    [InlineData(RungVerdict.Continue, RungVerdict.Continue)]
    public async Task RecordRung_SecondDecisionForTheSameTrialAndRung_LeavesTheFirst(RungVerdict first, RungVerdict second)
    {
        var sweep = await CreateRungSweepAsync();
        var trial = sweep.Trials[0].TrialId;
        var stored = Rung(trial, 1, first, 0.25, [(trial, 0.25), (sweep.Trials[1].TrialId, 0.5)]);

        await Store.RecordRungAsync("alpha", stored, Ct);
        await Store.RecordRungAsync("alpha", Rung(trial, 1, second, 0.75, [(trial, 0.75)], step: 99, promotable: 7), Ct);

        AssertSameRungs([stored], await Store.GetRungsAsync("alpha", Ct));
    }

    [Theory]
    [InlineData(RungVerdict.Continue, RungVerdict.Prune)]
    [InlineData(RungVerdict.Prune, RungVerdict.Continue)]
    public async Task RecordRung_APause_IsReplacedByTheRungsOutcome_WhichThenStands(RungVerdict outcome, RungVerdict later)
    {
        var sweep = await CreateRungSweepAsync();
        var (t0, t1) = (sweep.Trials[0].TrialId, sweep.Trials[1].TrialId);
        var other = Rung(t1, 0, RungVerdict.Continue, 0.9, [(t1, 0.9), (t0, 0.4)]);
        var decided = Rung(t0, 0, outcome, 0.4, [(t1, 0.9), (t0, 0.4), (sweep.Trials[2].TrialId, 0.1)], promotable: 1);

        await Store.RecordRungAsync("alpha", Rung(t0, 0, RungVerdict.Pause, 0.4, [(t0, 0.4)]), Ct);
        await Store.RecordRungAsync("alpha", other, Ct);
        await Store.RecordRungAsync("alpha", decided, Ct);
        await Store.RecordRungAsync("alpha", Rung(t0, 0, later, 0.4, [(t0, 0.4)]), Ct);

        // The replaced pause keeps its place: t0 was recorded first.
        AssertSameRungs([decided, other], await Store.GetRungsAsync("alpha", Ct));
    }

    [Fact]
    public async Task RecordRung_NaNAndExtremeMetrics_RoundTripExactly()
    {
        var sweep = await CreateRungSweepAsync();
        var (t0, t1, t2, t3) = (sweep.Trials[0].TrialId, sweep.Trials[1].TrialId, sweep.Trials[2].TrialId, sweep.Trials[3].TrialId);
        var call = Rung(t3, 2, RungVerdict.Prune, double.NaN,
            [(t0, 0.1 + 0.2), (t1, double.Epsilon), (t2, -0.0), ("elsewhere.x", double.PositiveInfinity), (t3, double.NaN)]);

        await Store.RecordRungAsync("alpha", call, Ct);

        var read = Assert.Single(await Store.GetRungsAsync("alpha", Ct));
        AssertSameRungs([call], [read]);
        Assert.True(double.IsNaN(read.Metric));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(read.Standings[2].Metric));
        Assert.Equal(0.1 + 0.2, read.Standings[0].Metric);
    }

    [Fact]
    public async Task GetRungs_OrdersByRungThenByFirstRecording()
    {
        var sweep = await CreateRungSweepAsync();
        var t = sweep.Trials.Select(x => x.TrialId).ToArray();
        RungCall[] recorded =
        [
            Rung(t[2], 1, RungVerdict.Continue, 0.8, [(t[2], 0.8)]),
            Rung(t[3], 0, RungVerdict.Prune, 0.1, [(t[3], 0.1)]),
            Rung(t[1], 0, RungVerdict.Continue, 0.7, [(t[1], 0.7)]),
            Rung(t[0], 1, RungVerdict.Prune, 0.2, [(t[0], 0.2)]),
            Rung(t[0], 0, RungVerdict.Continue, 0.6, [(t[0], 0.6)]),
        ];

        foreach (var call in recorded)
        {
            await Store.RecordRungAsync("alpha", call, Ct);
        }

        AssertSameRungs([recorded[1], recorded[2], recorded[4], recorded[0], recorded[3]], await Store.GetRungsAsync("alpha", Ct));
    }

    [Fact]
    public async Task Rungs_StayInTheirSweep_AndOnlyTheSweepsTrialsMayHaveThem()
    {
        var alpha = await CreateRungSweepAsync();
        var beta = StoreTestData.Sweep("beta");
        await Store.CreateSweepAsync(beta, Ct);
        var ofAlpha = Rung(alpha.Trials[0].TrialId, 0, RungVerdict.Continue, 0.5, [(alpha.Trials[0].TrialId, 0.5)]);
        var ofBeta = Rung(beta.Trials[0].TrialId, 0, RungVerdict.Prune, 0.3, [(beta.Trials[0].TrialId, 0.3)]);

        await Store.RecordRungAsync("alpha", ofAlpha, Ct);
        await Store.RecordRungAsync("beta", ofBeta, Ct);

        AssertSameRungs([ofAlpha], await Store.GetRungsAsync("alpha", Ct));
        AssertSameRungs([ofBeta], await Store.GetRungsAsync("beta", Ct));
        Assert.Empty(await Store.GetRungsAsync("gamma", Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RecordRungAsync("alpha", ofBeta with { Rung = 1 }, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RecordRungAsync("gamma", ofAlpha with { Rung = 1 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RecordRungAsync("alpha", ofAlpha with { Rung = -1 }, Ct));
        await Assert.ThrowsAsync<StoreException>(() => Store.RecordRungAsync("../alpha", ofAlpha, Ct));
        AssertSameRungs([ofAlpha], await Store.GetRungsAsync("alpha", Ct));
    }

    [Fact]
    public async Task RecordRung_ConcurrentDecisionsForOneTrialAndRung_StoreExactlyOneOutcome()
    {
        var sweep = await CreateRungSweepAsync();
        var trial = sweep.Trials[0].TrialId;
        await Store.RecordRungAsync("alpha", Rung(trial, 0, RungVerdict.Pause, 0.5, [(trial, 0.5)]), Ct);
        var outcomes = Enumerable.Range(0, 8)
            .Select(i => Rung(trial, 0, i % 2 == 0 ? RungVerdict.Continue : RungVerdict.Prune, 0.5, [(trial, 0.5)], promotable: i))
            .ToArray();

        await Task.WhenAll(outcomes.Select(c => Task.Run(() => Store.RecordRungAsync("alpha", c, Ct), Ct)));

        var stored = Assert.Single(await Store.GetRungsAsync("alpha", Ct));
        var winner = outcomes[stored.Promotable];
        Assert.Equal(winner.Verdict, stored.Verdict);
        await Store.RecordRungAsync("alpha", outcomes[(stored.Promotable + 1) % outcomes.Length], Ct);
        Assert.Equal(stored.Promotable, Assert.Single(await Store.GetRungsAsync("alpha", Ct)).Promotable);
    }

    [Fact]
    public async Task Rungs_AreSeenByAFreshInstance_WhichRecordsAfterThem()
    {
        var sweep = await CreateRungSweepAsync();
        var (t0, t1, t2) = (sweep.Trials[0].TrialId, sweep.Trials[1].TrialId, sweep.Trials[2].TrialId);
        var first = Rung(t1, 0, RungVerdict.Continue, 0.9, [(t1, 0.9)]);
        var second = Rung(t0, 0, RungVerdict.Pause, 0.4, [(t1, 0.9), (t0, 0.4)]);
        await Store.RecordRungAsync("alpha", first, Ct);
        await Store.RecordRungAsync("alpha", second, Ct);

        var reopened = await ReopenStoreAsync();
        try
        {
            var third = Rung(t2, 0, RungVerdict.Prune, 0.1, [(t1, 0.9), (t0, 0.4), (t2, 0.1)]);
            var closed = second with { Verdict = RungVerdict.Continue };
            AssertSameRungs([first, second], await reopened.GetRungsAsync("alpha", Ct));
            await reopened.RecordRungAsync("alpha", third, Ct);
            await reopened.RecordRungAsync("alpha", closed, Ct);
            AssertSameRungs([first, closed, third], await reopened.GetRungsAsync("alpha", Ct));
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

    private static RungCall Rung(string trialId, int rung, RungVerdict verdict, double metric, (string TrialId, double Metric)[] standings, int? step = null, int promotable = 2) =>
        new(trialId, rung, step ?? 10 * (rung + 1), metric, verdict, [.. standings.Select(s => new RungStanding(s.TrialId, s.Metric))], promotable);

    /// <summary>Same decisions in the same order; metrics compared with double.Equals, so NaN equals NaN.</summary>
    private static void AssertSameRungs(IReadOnlyList<RungCall> expected, IReadOnlyList<RungCall> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.TrialId, e.Rung, e.Step, e.Verdict, e.Promotable), (a.TrialId, a.Rung, a.Step, a.Verdict, a.Promotable));
            Assert.True(e.Metric.Equals(a.Metric), $"decision {i}: metric {e.Metric:R} stored as {a.Metric:R}");
            Assert.Equal(e.Standings.AsEnumerable(), a.Standings.AsEnumerable());
        }
    }

    private async Task<SweepDefinition> CreateRungSweepAsync()
    {
        var sweep = StoreTestData.Sweep("alpha", trials: 4);
        await Store.CreateSweepAsync(sweep, Ct);
        return sweep;
    }

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
