namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// What the local store's per-sweep index says of one sweep: the definition it was built from (identified by the
/// length and write time of <c>sweep.swf</c>), the boot of the machine it was written in, and every trial in the
/// definition's order.
/// </summary>
internal sealed class SweepIndex(
    string bootId,
    string sweepId,
    string gridHash,
    string gridJson,
    DateTimeOffset createdAt,
    long definitionLength,
    long definitionWrittenTicks,
    IndexedTrial[] trials)
{
    private Dictionary<string, int>? _positions;

    /// <summary>The boot it was written in (see <c>LocalDirectorySweepStore.Index</c>: an index from another boot is rebuilt).</summary>
    public string BootId { get; } = bootId;

    public string SweepId { get; } = sweepId;

    public string GridHash { get; } = gridHash;

    public string GridJson { get; } = gridJson;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public long DefinitionLength { get; } = definitionLength;

    public long DefinitionWrittenTicks { get; } = definitionWrittenTicks;

    /// <summary>In the definition's order. Never changed in place: <see cref="With"/> copies.</summary>
    public IndexedTrial[] Trials { get; } = trials;

    /// <summary>Where each trial id is in <see cref="Trials"/>.</summary>
    public IReadOnlyDictionary<string, int> Positions => _positions ??= Build();

    /// <summary>True if this index was built from the <c>sweep.swf</c> that <paramref name="definition"/> describes now.</summary>
    public bool Describes(FileInfo definition) =>
        definition.Exists && definition.Length == DefinitionLength && definition.LastWriteTimeUtc.Ticks == DefinitionWrittenTicks;

    /// <summary>A copy with <paramref name="changed"/> trials replacing theirs (unknown ids ignored).</summary>
    public SweepIndex With(IEnumerable<IndexedTrial> changed)
    {
        var trials = (IndexedTrial[])Trials.Clone();
        foreach (var trial in changed)
        {
            if (Positions.TryGetValue(trial.TrialId, out var position))
            {
                trials[position] = trial;
            }
        }

        return new SweepIndex(BootId, SweepId, GridHash, GridJson, CreatedAt, DefinitionLength, DefinitionWrittenTicks, trials);
    }

    private Dictionary<string, int> Build()
    {
        var positions = new Dictionary<string, int>(Trials.Length, StringComparer.Ordinal);
        for (var i = 0; i < Trials.Length; i++)
        {
            positions[Trials[i].TrialId] = i;
        }

        return positions;
    }
}
