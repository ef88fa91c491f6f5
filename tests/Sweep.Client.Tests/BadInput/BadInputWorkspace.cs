using Sweep.Model.Data;

namespace Sweep.Client.Tests.BadInput;

/// <summary>The directory one bad-input case arranges its inputs in (deleted afterwards).</summary>
public sealed class BadInputWorkspace : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sweep-bad-" + Guid.NewGuid().ToString("N"));

    public BadInputWorkspace() => Directory.CreateDirectory(Root);

    /// <summary>A store path that does not exist (a refused command must not create it).</summary>
    public string NoStore => Path.Combine(Root, "no-store");

    public string PathOf(string name) => Path.Combine(Root, name);

    public string Text(string name, string content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string Bytes(string name, byte[] content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A valid grid of one small synthetic dataset and the dnn, with <paramref name="fields"/> added (JSON members, comma-led).</summary>
    public string Grid(string fields, string name = "bad") =>
        Text(name + ".json", $$"""
            {
              "name": "bad",
              "datasets": [ { "name": "g", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8 } ],
              "architectures": ["dnn"],
              "training": { "steps": 10, "devSize": 50 }
              {{fields}}
            }
            """);

    /// <summary>A small valid dataset in <paramref name="format"/> (20 training and 10 test images) in a new directory.</summary>
    public string Dataset(DatasetFormat format, string name = "data")
    {
        var directory = PathOf(name);
        var side = format == DatasetFormat.Cifar10 ? 32 : 8;
        SyntheticDatasets.WriteFiles(new SyntheticDatasetSource(name, "gaussian", 20, 10, side, 1), format, directory);
        return directory;
    }

    /// <summary>Rewrites one file: <paramref name="change"/> gets its bytes and returns the new ones.</summary>
    public void Mutate(string path, Func<byte[], byte[]> change) => File.WriteAllBytes(path, change(File.ReadAllBytes(path)));

    /// <summary>A copy of the finished sweep 'tiny' (<see cref="FinishedStore"/>) to damage.</summary>
    public async Task<string> FinishedStoreAsync()
    {
        var source = await FinishedStore.PathAsync();
        var target = PathOf("store");
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
        return target;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
