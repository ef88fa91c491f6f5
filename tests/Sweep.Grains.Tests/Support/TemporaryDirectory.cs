namespace Sweep.Grains.Tests.Support;

/// <summary>
/// A unique path under the system temp directory, deleted with its contents on dispose. It is not created here:
/// the code under test creates it, and some tests assert that it stays absent.
/// </summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
