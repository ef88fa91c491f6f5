namespace Sweep.Grains.Tests.Cluster;

/// <summary>Polls a condition until it holds or a deadline passes (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(50);
        }
    }

    public static Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitAsync<object>(async () => await condition() ? new object() : null, timeout, what);

    /// <summary>
    /// <see cref="WaitAsync(Func{Task{bool}}, TimeSpan, string)"/> after a silo was killed: a grain that lived there (the
    /// coordinator is placed on either silo) does not answer a call sent before the cluster noticed the death, and
    /// that call fails (a response timeout, the silo unavailable) instead of answering; it is asked again, and a new
    /// activation on a surviving silo answers from the store.
    /// </summary>
    public static Task WaitThroughSiloLossAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitAsync(async () =>
        {
            try
            {
                return await condition();
            }
            catch (Exception e) when (e is TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException)
            {
                return false;
            }
        }, timeout, what);
}
