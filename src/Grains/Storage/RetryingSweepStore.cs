using System.Diagnostics;
using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Storage;

/// <summary>
/// A store that rides out outages of the one it wraps: a call that fails for a passing reason (see
/// <c>isTransient</c>; for PostgreSQL, <see cref="Postgres.PostgresTransience"/>) is retried with exponential
/// backoff for up to <see cref="StoreRetryPolicy.Patience"/>, then throws <see cref="StoreUnavailableException"/>.
/// Retrying is safe because every <see cref="ISweepStore"/> write is idempotent: a result saved by an attempt
/// whose reply was lost makes the retry return false (already recorded), and the caller reads it back.
/// </summary>
public sealed class RetryingSweepStore(ISweepStore inner, Func<Exception, bool> isTransient, Func<Exception, string> describe, StoreRetryPolicy policy, string name)
    : ISweepStore, IAsyncDisposable
{
    private int _outage;
    private volatile bool _answered;

    public ISweepStore Inner => inner;

    public Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default) =>
        RetryAsync("store the sweep", ct => inner.CreateSweepAsync(sweep, ct), cancellationToken);

    public Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the sweep", ct => inner.GetSweepAsync(sweepId, ct), cancellationToken);

    public Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default) =>
        RetryAsync("list the sweeps", inner.ListSweepsAsync, cancellationToken);

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default) =>
        RetryAsync("record a trial's status", ct => Done(inner.SetTrialStatusAsync(trialId, status, steps, ct)), cancellationToken);

    public Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the trial statuses", ct => inner.GetTrialStatusesAsync(sweepId, ct), cancellationToken);

    public Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        RetryAsync("save a checkpoint", ct => Done(inner.SaveCheckpointAsync(trialId, step, data, ct)), cancellationToken);

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default) =>
        RetryAsync("load a checkpoint", ct => inner.LoadCheckpointAsync(trialId, ct), cancellationToken);

    public Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default) =>
        RetryAsync("record a result", ct => inner.SaveResultAsync(result, ct), cancellationToken);

    public Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default) =>
        RetryAsync("read a result", ct => inner.GetResultAsync(trialId, ct), cancellationToken);

    public Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the results", ct => inner.GetResultsAsync(sweepId, ct), cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the trial errors", ct => inner.GetTrialErrorsAsync(sweepId, ct), cancellationToken);

    public Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default) =>
        RetryAsync("read the leaderboard", ct => inner.QueryLeaderboardAsync(query, ct), cancellationToken);

    public Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("count the trials", ct => inner.GetSweepCountsAsync(sweepId, ct), cancellationToken);

    public Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default) =>
        RetryAsync("read the trials", ct => inner.GetTrialPageAsync(sweepId, skip, take, ct), cancellationToken);

    public Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default) =>
        RetryAsync("verify the results", ct => inner.VerifyResultsAsync(rows, ct), cancellationToken);

    public Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default) =>
        RetryAsync("read predictions", ct => inner.GetPredictionsAsync(trialId, split, ct), cancellationToken);

    public Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default) =>
        RetryAsync("save the study report", ct => Done(inner.SaveStudyAsync(sweepId, studyJson, ct)), cancellationToken);

    public Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the study report", ct => inner.GetStudyAsync(sweepId, ct), cancellationToken);

    public Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default) =>
        RetryAsync("record a rung decision", ct => Done(inner.RecordRungAsync(sweepId, call, ct)), cancellationToken);

    public Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("read the rung decisions", ct => inner.GetRungsAsync(sweepId, ct), cancellationToken);

    public Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default) =>
        RetryAsync("check the store for damage", ct => inner.GetDamageAsync(sweepId, ct), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private static async Task<bool> Done(Task task)
    {
        await task;
        return true;
    }

    private async Task<T> RetryAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var delay = policy.FirstDelay;
        var failed = false;
        while (true)
        {
            try
            {
                var value = await call(cancellationToken);
                _answered = true;
                if (failed && Interlocked.Exchange(ref _outage, 0) == 1)
                {
                    policy.Report?.Invoke($"{name} answers again after {watch.Elapsed.TotalSeconds:0.0} s");
                }
                return value;
            }
            catch (Exception ex) when (isTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                failed = true;
                var firstContact = !_answered && policy.FirstContactPatience is not null;
                if (firstContact && watch.Elapsed + delay > policy.FirstContactPatience!.Value)
                {
                    // Never reached: not an outage to wait out but, most likely, a wrong address; say it as it is.
                    throw;
                }
                if (watch.Elapsed + delay > policy.Patience)
                {
                    throw new StoreUnavailableException(
                        $"{name} did not answer for {watch.Elapsed.TotalSeconds:0} s ({describe(ex)}) while trying to {what}", ex);
                }
                if (!firstContact && watch.Elapsed >= policy.QuietFor && Interlocked.Exchange(ref _outage, 1) == 0)
                {
                    policy.Report?.Invoke($"{name} is not answering ({describe(ex)}); waiting up to {policy.Patience.TotalSeconds:0} s to {what}");
                }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, policy.MaxDelay.Ticks));
            }
        }
    }
}
