namespace Sweep.Grains.Storage;

/// <summary>
/// Where a store says what it repaired (a damaged status rebuilt, a damaged result replaced, a study recomputed):
/// the writer set for the current async flow (the CLI's stderr), else the process's stderr, as
/// <c>sweep: repaired …</c> lines.
/// </summary>
public static class StoreRepairs
{
    private static readonly AsyncLocal<TextWriter?> Sink = new();

    /// <summary>Sends repair notes of this async flow to <paramref name="writer"/> until the result is disposed.</summary>
    public static IDisposable To(TextWriter writer)
    {
        var previous = Sink.Value;
        Sink.Value = writer;
        return new Restore(previous);
    }

    internal static void Report(string message)
    {
        var writer = Sink.Value ?? Console.Error;
        lock (writer)
        {
            writer.WriteLine($"sweep: {message}");
        }
    }

    private sealed class Restore(TextWriter? previous) : IDisposable
    {
        public void Dispose() => Sink.Value = previous;
    }
}
