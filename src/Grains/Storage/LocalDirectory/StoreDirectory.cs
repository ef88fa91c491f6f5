namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// Why a store directory cannot be used, as one line naming the path and suggesting <c>--store DIR</c>: a path that
/// is a file, lies under a file or on a system pseudo-filesystem, or cannot be written.
/// </summary>
internal static class StoreDirectory
{
    private static readonly string[] PseudoFileSystems = ["/proc", "/sys", "/dev"];

    /// <summary>Throws <see cref="StoreException"/> unless <paramref name="root"/> can hold a store; with <paramref name="writable"/>, checks that a file can be written in it (or where it would be created).</summary>
    public static void Check(string root, bool writable)
    {
        if (Structural(root) is { } problem)
        {
            throw Unusable(root, problem);
        }

        if (!writable)
        {
            return;
        }

        // Probe the store, or the nearest directory above it that exists (where it would be created): nothing is
        // left behind either way.
        var existing = root;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var probe = Path.Combine(existing, $".sweep-write-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unusable(root, $"it cannot be written ({Reason(e, probe, root)})");
        }
    }

    /// <summary>The one-line error for a failure <paramref name="error"/> while creating or writing <paramref name="path"/> inside the store.</summary>
    public static StoreException WriteFailed(string root, string path, Exception error, string? temp = null) =>
        Structural(root) is { } problem
            ? Unusable(root, problem)
            : new StoreException(
                $"cannot write {path} in the store '{root}' ({Reason(error, temp ?? path, path)}); the store must be a directory you can write to, or use --store DIR",
                path,
                "a writable store directory",
                error);

    private static StoreException Unusable(string root, string problem) =>
        new($"the store '{root}' cannot be used: {problem}; use --store DIR (or ${Hosting.SweepHosting.HomeVariable}) to name another directory", root, "a directory you can write to");

    /// <summary>A problem with where the store is, independent of permissions; null if none.</summary>
    private static string? Structural(string root)
    {
        foreach (var pseudo in PseudoFileSystems)
        {
            if (root == pseudo || root.StartsWith(pseudo + "/", StringComparison.Ordinal))
            {
                return $"it is under {pseudo}, a system pseudo-filesystem, not a place for files";
            }
        }

        if (File.Exists(root))
        {
            return "it is a file, not a directory";
        }

        for (var parent = Path.GetDirectoryName(root); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return $"it is under '{parent}', which is a file";
            }
        }

        return null;
    }

    private static string Reason(Exception error, string mentioned, string shown) => error switch
    {
        UnauthorizedAccessException => "permission denied, or a read-only file system",
        // .NET appends " : 'path'" to an OS error; the path is already in the sentence around the reason.
        _ => System.Text.RegularExpressions.Regex.Replace(error.Message.Replace(mentioned, shown, StringComparison.Ordinal), @"\s*:\s*'[^']*'\s*$", "").TrimEnd('.'),
    };
}
