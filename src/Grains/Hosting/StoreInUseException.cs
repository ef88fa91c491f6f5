using System.Globalization;
using Sweep.Model;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Hosting;

/// <summary>The local store is locked by another embedded host (see <see cref="StoreLock"/>).</summary>
public sealed class StoreInUseException(string storeDirectory, int? pid, DateTimeOffset? since) : SweepUserException(Describe(storeDirectory, pid, since), storeDirectory, "wait for the other process, or use --store DIR")
{
    public string StoreDirectory { get; } = storeDirectory;

    /// <summary>The holder's process id, null if it had not recorded itself yet.</summary>
    public int? Pid { get; } = pid;

    public DateTimeOffset? Since { get; } = since;

    private static string Describe(string storeDirectory, int? pid, DateTimeOffset? since)
    {
        var holder = pid is { } p && since is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"pid {p}, since {s.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")
            : "pid not yet recorded";
        return $"the store '{storeDirectory}' is in use by another sweep process ({holder}); wait for it, or use --store DIR";
    }
}
