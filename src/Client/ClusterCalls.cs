using Sweep.Grains.Storage;

namespace Sweep.Client;

/// <summary>
/// How the CLI calls the cluster through faults: a call that times out or finds no silo or no database (a silo
/// dying under the coordinator, PostgreSQL restarting) is tried again for up to two minutes, saying once on
/// stderr what it waits for. Only idempotent calls go through here: submitting the same grid twice is one sweep.
/// </summary>
internal static class ClusterCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>A fault the cluster recovers from by itself, as opposed to an answer.</summary>
    public static bool IsPassing(Exception ex) => ex is TimeoutException or OrleansException or StoreUnavailableException;

    public static async Task<T> RetryAsync<T>(CliConsole console, string what, Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        var said = false;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (IsPassing(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow - started > Patience)
                {
                    throw new CliException($"could not {what}: the cluster has not answered for {Patience.TotalSeconds:0} s ({SweepCli.OneLine(ex.Message)})");
                }
                if (!said)
                {
                    said = true;
                    await console.Error.WriteLineAsync($"sweep: the cluster is not answering ({SweepCli.OneLine(ex.Message)}); trying to {what} for up to {Patience.TotalSeconds:0} s");
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
