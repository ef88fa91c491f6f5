using System.Collections.Concurrent;

namespace Sweep.Dashboard;

/// <summary>
/// Reuses each API answer for a short period, so any number of open pages polling the same view cost one store
/// read per period, and concurrent requests for a stale answer wait for one computation instead of each starting one.
/// </summary>
internal sealed class ApiAnswerCache(TimeSpan reuseFor, TimeProvider time)
{
    /// <summary>Past this many distinct keys (query strings are part of a key) the cache starts over.</summary>
    private const int MaxEntries = 2048;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<ApiAnswer> GetAsync(string key, Func<CancellationToken, Task<ApiAnswer>> compute, CancellationToken cancellationToken)
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
            var answer = await compute(cancellationToken);
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
    }
}
