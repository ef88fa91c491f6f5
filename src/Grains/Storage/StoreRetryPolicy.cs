namespace Sweep.Grains.Storage;

/// <summary>
/// How long a <see cref="RetryingSweepStore"/> keeps trying a store call that fails for a passing reason, and whom
/// it tells that it is waiting.
/// </summary>
public sealed record StoreRetryPolicy
{
    /// <summary>How long one call keeps being retried before it throws <see cref="StoreUnavailableException"/>.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a store that has never answered this process is retried: a database that was never reached is
    /// more likely a wrong address than a restart, and is reported as it is (the original error) after this long.
    /// Default: <see cref="Patience"/>.
    /// </summary>
    public TimeSpan? FirstContactPatience { get; init; }

    /// <summary>The wait before the first retry; it doubles on every retry up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a call may keep failing before the wait is reported: a dropped connection that the first retry
    /// replaces is not news.
    /// </summary>
    public TimeSpan QuietFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Told once when the store stops answering (with what is being waited for) and once when it answers again;
    /// not on every retry.
    /// </summary>
    public Action<string>? Report { get; init; }
}
