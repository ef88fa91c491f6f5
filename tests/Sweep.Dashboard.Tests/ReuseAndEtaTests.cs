using Sweep.Dashboard.Tests.Support;
using Sweep.Client.Dashboard;

namespace Sweep.Dashboard.Tests;

/// <summary>What keeps an open page cheap (one computation per period for all callers) and the ETA's arithmetic.</summary>
public sealed class ReuseAndEtaTests
{
    [Fact]
    public async Task ConcurrentCallersWithinThePeriod_ShareOneComputation_AndAFreshOneAfterIt()
    {
        var clock = new ManualClock();
        var cache = new ApiAnswerCache(TimeSpan.FromSeconds(1), clock);
        var computed = 0;
        var gate = new TaskCompletionSource();
        async Task<ApiAnswer> Compute(CancellationToken _)
        {
            Interlocked.Increment(ref computed);
            await gate.Task;
            return ApiAnswer.Of(200, $"[{computed}]", clock.GetUtcNow());
        }

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("api/sweeps", Compute, CancellationToken.None)).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(callers);
        Assert.Equal(1, computed);
        Assert.All(answers, a => Assert.Same(answers[0], a));

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Same(answers[0], await cache.GetAsync("api/sweeps", Compute, CancellationToken.None));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var fresh = await cache.GetAsync("api/sweeps", Compute, CancellationToken.None);
        Assert.Equal(2, computed);
        Assert.NotEqual(answers[0].ETag, fresh.ETag);
    }

    [Fact]
    public async Task AfterThePeriod_AnAnswerWhoseVersionIsUnchangedIsRenewed_NotRecomputed()
    {
        var clock = new ManualClock();
        var cache = new ApiAnswerCache(TimeSpan.FromSeconds(1), clock);
        var computed = 0;
        var version = "v1";
        Task<ApiAnswer> Compute(CancellationToken _) => Task.FromResult(ApiAnswer.Of(200, $"[{++computed}]", clock.GetUtcNow()));
        Task<string> Version(CancellationToken _) => Task.FromResult(version);

        var first = await cache.GetAsync("study", Compute, CancellationToken.None, Version);
        clock.Advance(TimeSpan.FromSeconds(5));
        var renewed = await cache.GetAsync("study", Compute, CancellationToken.None, Version);
        Assert.Equal(1, computed);
        Assert.Equal(first.ETag, renewed.ETag);
        Assert.Equal(clock.GetUtcNow(), renewed.ComputedAt);

        version = "v2";
        clock.Advance(TimeSpan.FromSeconds(5));
        var recomputed = await cache.GetAsync("study", Compute, CancellationToken.None, Version);
        Assert.Equal(2, computed);
        Assert.NotEqual(first.ETag, recomputed.ETag);
    }

    [Fact]
    public void EntityTag_DependsOnlyOnTheContent()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(ApiAnswer.Of(200, "[1]", now).ETag, ApiAnswer.Of(200, "[1]", now.AddHours(1)).ETag);
        Assert.NotEqual(ApiAnswer.Of(200, "[1]", now).ETag, ApiAnswer.Of(200, "[2]", now).ETag);
    }

    [Fact]
    public void Eta_IsRemainingStepsOverTheObservedRate_UnknownUntilProgress_ZeroWhenDone()
    {
        var clock = new ManualClock();
        var rates = new SweepRateTracker(clock);
        Assert.Null(rates.Observe("s", 100, 1100));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(rates.Observe("s", 100, 1100));
        clock.Advance(TimeSpan.FromSeconds(10));
        // 200 steps in 20 s = 10 steps/s; 800 left.
        Assert.Equal(80, rates.Observe("s", 300, 1100)!.Value, precision: 9);
        // A trial handed back to an older checkpoint: fewer steps than before; the estimate starts over.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(rates.Observe("s", 250, 1100));
        Assert.Equal(0, rates.Observe("s", 1100, 1100));
    }
}
