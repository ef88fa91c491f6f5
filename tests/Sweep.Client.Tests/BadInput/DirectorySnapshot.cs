using System.Security.Cryptography;

namespace Sweep.Client.Tests.BadInput;

/// <summary>
/// Every directory and file under a root (relative path, and for files the length and SHA-256), so a test can show
/// that a refused command created, changed or half-wrote nothing.
/// </summary>
public sealed record DirectorySnapshot(IReadOnlyList<string> Entries)
{
    public static DirectorySnapshot Take(string root)
    {
        var entries = new List<string>();
        if (Directory.Exists(root))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, path);
                entries.Add(Directory.Exists(path)
                    ? relative + "/"
                    : $"{relative} {new FileInfo(path).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}");
            }
        }
        entries.Sort(StringComparer.Ordinal);
        return new DirectorySnapshot(entries);
    }

    /// <summary>What differs from <paramref name="before"/>, one entry per line; empty when nothing did.</summary>
    public string Difference(DirectorySnapshot before) =>
        string.Join(Environment.NewLine, Entries.Except(before.Entries).Select(e => "+ " + e).Concat(before.Entries.Except(Entries).Select(e => "- " + e)));
}
