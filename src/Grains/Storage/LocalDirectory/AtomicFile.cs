namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// Writes a file so that a reader (or a process restarted after a crash) sees the old file or the new one, never a
/// mix: temp file in the same directory, flushed to disk, renamed over the target, then the directory flushed.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Returns false (and leaves the existing file alone) when the target exists and <paramref name="overwrite"/> is false.</summary>
    public static async Task<bool> WriteAsync(string path, bool overwrite, IReadOnlyList<ReadOnlyMemory<byte>> parts, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException($"Path '{path}' has no directory.", nameof(path));
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                foreach (var part in parts)
                {
                    await stream.WriteAsync(part, cancellationToken);
                }

                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                DirectorySync.Flush(directory);
                return true;
            }

            try
            {
                File.Move(temp, path, overwrite: false);
                DirectorySync.Flush(directory);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
