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
    IndexedTrialList trials)
{
    public SweepIndex(string bootId, string sweepId, string gridHash, string gridJson, DateTimeOffset createdAt, long definitionLength,
        long definitionWrittenTicks, IndexedTrial[] trials)
        : this(bootId, sweepId, gridHash, gridJson, createdAt, definitionLength, definitionWrittenTicks, IndexedTrialList.Of(trials))
    {
    }

    /// <summary>The boot it was written in (see <c>LocalDirectorySweepStore.Index</c>: an index from another boot is rebuilt).</summary>
    public string BootId { get; } = bootId;

    public string SweepId { get; } = sweepId;

    public string GridHash { get; } = gridHash;

    public string GridJson { get; } = gridJson;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public long DefinitionLength { get; } = definitionLength;

    public long DefinitionWrittenTicks { get; } = definitionWrittenTicks;

    /// <summary>In the definition's order. Never changed in place: <see cref="With"/> copies.</summary>
    public IndexedTrialList Trials { get; } = trials;

    /// <summary>True if this index was built from the <c>sweep.swf</c> that <paramref name="definition"/> describes now.</summary>
    public bool Describes(FileInfo definition) =>
        definition.Exists && definition.Length == DefinitionLength && definition.LastWriteTimeUtc.Ticks == DefinitionWrittenTicks;

    /// <summary>A copy with <paramref name="changed"/> trials replacing theirs (unknown ids ignored).</summary>
    public SweepIndex With(IEnumerable<IndexedTrial> changed)
    {
        var byId = new Dictionary<string, IndexedTrial>(StringComparer.Ordinal);
        foreach (var trial in changed)
        {
            byId[trial.TrialId] = trial;
        }

        if (byId.Count == 0)
        {
            return this;
        }

        var positions = Trials.Locate(byId.Keys);
        var trials = Trials.With(positions.Select(p => KeyValuePair.Create(p.Value, byId[p.Key])));
        return new SweepIndex(BootId, SweepId, GridHash, GridJson, CreatedAt, DefinitionLength, DefinitionWrittenTicks, trials);
    }
}
