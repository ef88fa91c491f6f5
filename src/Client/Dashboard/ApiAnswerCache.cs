using System.Collections.Concurrent;

namespace Sweep.Client.Dashboard;

/// <summary>
/// Reuses each API answer for a short period, so any number of open pages polling the same view cost one store
/// read per period, and concurrent requests for a stale answer wait for one computation instead of each starting one.
/// An answer may also name a version of what it was computed from (a sweep's trial statuses and steps): after the
/// period, a view whose version has not changed is renewed without being recomputed, so the heavy views of a
/// sweep (leaderboard, study) cost only the cheap version read while nothing happens.
/// </summary>
internal sealed class ApiAnswerCache(TimeSpan reuseFor, TimeProvider time)
{
    /// <summary>Past this many distinct keys (query strings are part of a key) the cache starts over.</summary>
    private const int MaxEntries = 2048;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="version">Reads the current version of the answer's inputs; null: always recompute after the period.</param>
    public async Task<ApiAnswer> GetAsync(
        string key, Func<CancellationToken, Task<ApiAnswer>> compute, CancellationToken cancellationToken, Func<CancellationToken, Task<string>>? version = null)
    {
        if (_entries.Count > MaxEntries)
        {
            _entries.Clear();
        }
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        if (Fresh(entry.Answer) is { } fresh)
        {
            return fresh;
        }
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(entry.Answer) is { } computedMeanwhile)
            {
                return computedMeanwhile;
            }
            var current = version is null ? null : await version(cancellationToken);
            if (current is not null && entry.Answer is { } stale && entry.Version == current)
            {
                var renewed = stale with { ComputedAt = time.GetUtcNow() };
                entry.Answer = renewed;
                return renewed;
            }
            var answer = await compute(cancellationToken);
            entry.Version = current;
            entry.Answer = answer;
            return answer;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private ApiAnswer? Fresh(ApiAnswer? answer) =>
        answer is not null && time.GetUtcNow() - answer.ComputedAt < reuseFor ? answer : null;

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile ApiAnswer? Answer;

        /// <summary>The version <see cref="Answer"/> was computed at; only touched under <see cref="Gate"/>.</summary>
        public string? Version;
    }
}
