using System.Globalization;
using System.Text;

namespace Sweep.Grains.Hosting;

/// <summary>
/// One embedded host per local store: an exclusive OS lock on <c>{store}/.lock</c> held for the host's lifetime.
/// Without it two embedded processes on one directory would both train the same pending trials (results stay
/// exactly-once, but the work is done twice). The lock is the OS's (FileShare.None: flock on Unix, a share mode on
/// Windows), so a process killed with SIGKILL releases it; the file itself is kept, because deleting it on close
/// would let a waiter lock the unlinked file while a newcomer locks a fresh one. Who holds it (pid and start time)
/// is written beside it in <c>.lock.owner</c>, since the locked file cannot be read by anyone else.
/// Readers of the store (status, trials, leaderboard…) never take it.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private const string LockFileName = ".lock";
    private const string OwnerFileName = ".lock.owner";

    private readonly FileStream _lock;

    private StoreLock(FileStream held) => _lock = held;

    /// <summary>Takes the lock on <paramref name="storeDirectory"/> (created if missing).</summary>
    /// <exception cref="StoreInUseException">Another process (or host in this process) holds it.</exception>
    public static StoreLock Acquire(string storeDirectory)
    {
        var directory = Path.GetFullPath(storeDirectory);
        Directory.CreateDirectory(directory);
        FileStream held;
        try
        {
            held = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            // A plain IOException on open is the sharing violation (its subclasses are missing paths and the like).
            var (pid, since) = ReadOwner(directory);
            throw new StoreInUseException(directory, pid, since);
        }

        try
        {
            WriteOwner(directory);
        }
        catch
        {
            held.Dispose();
            throw;
        }

        return new StoreLock(held);
    }

    public void Dispose() => _lock.Dispose();

    private static void WriteOwner(string directory)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessId} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        var temp = Path.Combine(directory, $"{OwnerFileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, line, Encoding.ASCII);
        File.Move(temp, Path.Combine(directory, OwnerFileName), overwrite: true);
    }

    /// <summary>The holder as it recorded itself; nulls if it has not yet (it just took the lock) or the file is unreadable.</summary>
    private static (int? Pid, DateTimeOffset? Since) ReadOwner(string directory)
    {
        try
        {
            var parts = File.ReadAllText(Path.Combine(directory, OwnerFileName), Encoding.ASCII).Split(' ', StringSplitOptions.TrimEntries);
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return (pid, DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }
        }
        catch (IOException)
        {
            // Absent or being replaced: the message says the holder is unknown.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to read: the same.
        }

        return (null, null);
    }
}
