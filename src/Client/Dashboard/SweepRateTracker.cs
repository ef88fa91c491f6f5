using System.Collections.Concurrent;

namespace Sweep.Client.Dashboard;

/// <summary>
/// Estimates when a sweep finishes from the steps its trials have done, as seen by this dashboard over the last
/// few minutes: remaining steps ÷ observed steps per second. Unknown (null) until two observations differ.
/// </summary>
internal sealed class SweepRateTracker(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Queue<(DateTimeOffset At, long Steps)>> _samples = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="stepsDone"/> now and returns the estimated seconds left, or null.</summary>
    public double? Observe(string sweepId, long stepsDone, long stepsTotal)
    {
        if (stepsDone >= stepsTotal)
        {
            _samples.TryRemove(sweepId, out _);
            return 0;
        }
        var now = time.GetUtcNow();
        var samples = _samples.GetOrAdd(sweepId, _ => new Queue<(DateTimeOffset, long)>());
        lock (samples)
        {
            if (samples.Count > 0 && samples.Last().Steps > stepsDone)
            {
                // Fewer steps than before: a trial was handed back and restarted from a checkpoint; start over.
                samples.Clear();
            }
            samples.Enqueue((now, stepsDone));
            while (samples.Count > 2 && now - samples.Peek().At > Window)
            {
                samples.Dequeue();
            }
            var (firstAt, firstSteps) = samples.Peek();
            var seconds = (now - firstAt).TotalSeconds;
            var rate = seconds > 0 ? (stepsDone - firstSteps) / seconds : 0;
            return rate > 0 ? (stepsTotal - stepsDone) / rate : null;
        }
    }
}
