using System.Buffers.Binary;
using System.Text;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// A sweep index's trials, in the definition's order. Read from an index file, they stay as the snapshot's bytes
/// (checked once, when the file is decoded, so reading them later cannot fail) and each is decoded when first asked
/// for: a count reads one status byte per trial and a leaderboard one metric, so a query over 100 000 trials decodes
/// the few it returns instead of allocating all of them. Trials replaced since the snapshot are held decoded and
/// take the place of their bytes. Never changed in place: <see cref="With"/> copies.
/// <para>
/// A record, as <see cref="Write"/> writes it (BinaryWriter: strings are a 7-bit length and UTF-8): trial
/// id, dataset, architecture | int32 filters | float64 learning rate | int32 seed | byte status | int32 steps | byte
/// flags | if it has a row, float64 train, dev and test accuracy, test weighted F1 and area ratio, wall seconds | if
/// flagged, the error, then the damage.
/// </para>
/// </summary>
internal sealed class IndexedTrialList : IReadOnlyList<IndexedTrial>
{
    private const byte HasRow = 1;
    private const byte HasError = 2;
    private const byte HasDamage = 4;

    // From the end of the three strings: filters, learning rate, seed, then status, steps and flags.
    private const int StatusOffset = 4 + 8 + 4;
    private const int FlagsOffset = StatusOffset + 1 + 4;
    private const int RowOffset = FlagsOffset + 1;
    private const int RowBytes = 6 * 8;

    // Which status bytes name a status.
    private static readonly bool[] Statuses = DefinedStatuses();

    private readonly byte[] _bytes;
    private readonly Layout _layout;
    private readonly string _sweepId;
    private readonly IndexedTrial?[] _decoded;

    private IndexedTrialList(byte[] bytes, Layout layout, string sweepId, IndexedTrial?[] decoded)
    {
        (_bytes, _layout, _sweepId, _decoded) = (bytes, layout, sweepId, decoded);
    }

    /// <summary>Trials already decoded (a rebuild, a new sweep).</summary>
    public static IndexedTrialList Of(IndexedTrial[] trials) => new([], new Layout(0), "", (IndexedTrial?[])trials.Clone());

    /// <summary>
    /// The <paramref name="count"/> records that start at <paramref name="start"/> in <paramref name="bytes"/> (kept,
    /// not copied), each checked to be whole and well formed; <paramref name="end"/> is where the last one ends.
    /// </summary>
    /// <exception cref="InvalidDataException">A record runs past <paramref name="limit"/> or holds an unknown status.</exception>
    public static IndexedTrialList Scan(byte[] bytes, int start, int limit, int count, string sweepId, out int end)
    {
        var layout = new Layout(count);
        var span = bytes.AsSpan(0, limit);
        var position = start;
        for (var i = 0; i < count; i++)
        {
            layout.Starts[i] = position;
            position = RecordEnd(span, position, out layout.Fixed[i]);
            layout.Statuses[i] = span[layout.Fixed[i] + StatusOffset];
            layout.Flags[i] = span[layout.Fixed[i] + FlagsOffset];
        }

        end = position;
        return new IndexedTrialList(bytes, layout, sweepId, new IndexedTrial?[count]);
    }

    /// <summary>One record, as the layout above says; <see cref="Scan"/> and <see cref="Decode"/> read it.</summary>
    public static void Write(BinaryWriter writer, IndexedTrial trial)
    {
        writer.Write(trial.TrialId);
        writer.Write(trial.Dataset);
        writer.Write(trial.Architecture);
        writer.Write(trial.Filters);
        writer.Write(trial.LearningRate);
        writer.Write(trial.Seed);
        writer.Write((byte)trial.Status);
        writer.Write(trial.Steps);
        writer.Write((byte)((trial.Row is null ? 0 : HasRow) | (trial.Error is null ? 0 : HasError) | (trial.Damage is null ? 0 : HasDamage)));
        if (trial.Row is { } row)
        {
            writer.Write(row.TrainAccuracy);
            writer.Write(row.DevAccuracy);
            writer.Write(row.TestAccuracy);
            writer.Write(row.TestWeightedF1);
            writer.Write(row.TestWeightedAreaRatio);
            writer.Write(row.WallSeconds);
        }

        if (trial.Error is { } error)
        {
            writer.Write(error);
        }

        if (trial.Damage is { } damage)
        {
            writer.Write(damage);
        }
    }

    /// <summary>One record, as a trial frame of the log holds it; the record must fill <paramref name="record"/>.</summary>
    /// <exception cref="InvalidDataException">The record is not whole or well formed.</exception>
    public static IndexedTrial Decode(ReadOnlySpan<byte> record, string sweepId)
    {
        if (RecordEnd(record, 0, out _) != record.Length)
        {
            throw new InvalidDataException("A trial record longer than its fields.");
        }

        return DecodeAt(record, 0, sweepId);
    }

    public int Count => _decoded.Length;

    public IndexedTrial this[int index] => _decoded[index] ??= DecodeAt(_bytes, _layout.Starts[index], _sweepId);

    /// <summary>Its status, without decoding the trial.</summary>
    public TrialStatus StatusAt(int index) =>
        _decoded[index] is { } trial ? trial.Status : (TrialStatus)_layout.Statuses[index];

    /// <summary>Whether its result is damaged, without decoding the trial.</summary>
    public bool IsDamagedAt(int index) =>
        _decoded[index] is { } trial ? trial.Damage is not null : (_layout.Flags[index] & HasDamage) != 0;

    /// <summary>
    /// Its leaderboard row's value of the filter's metric, if it has a row that passes the filter (the sweep is the
    /// caller's to check), without decoding the trial.
    /// </summary>
    public bool TryMetric(int index, RowFilter filter, out double value)
    {
        if (_decoded[index] is { } trial)
        {
            var matches = trial.Row is { } row && LeaderboardOrder.Matches(row, filter.Query);
            value = matches ? LeaderboardOrder.Value(trial.Row!, filter.Query.Metric) : 0;
            return matches;
        }

        value = 0;
        if ((_layout.Flags[index] & HasRow) == 0
            || (filter.Query.Pruned is { } pruned && ((TrialStatus)_layout.Statuses[index] == TrialStatus.Pruned) != pruned))
        {
            return false;
        }

        var bytes = _bytes.AsSpan();
        if (filter.Dataset is not null || filter.Architecture is not null)
        {
            var position = _layout.Starts[index];
            SkipString(bytes, ref position);
            var dataset = ReadStringBytes(bytes, ref position);
            var architecture = ReadStringBytes(bytes, ref position);
            if ((filter.Dataset is { } d && !dataset.SequenceEqual(d)) || (filter.Architecture is { } a && !architecture.SequenceEqual(a)))
            {
                return false;
            }
        }

        value = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(_layout.Fixed[index] + RowOffset + 8 * filter.MetricIndex)..]);
        return true;
    }

    /// <summary>The positions of those of <paramref name="trialIds"/> that are in the list.</summary>
    public Dictionary<string, int> Locate(IReadOnlyCollection<string> trialIds)
    {
        var found = new Dictionary<string, int>(trialIds.Count, StringComparer.Ordinal);
        if (trialIds.Count == 0)
        {
            return found;
        }

        // One pass over the ids' bytes: a few wanted ids are compared byte for byte, many are looked up by hash.
        var wanted = trialIds.ToHashSet(StringComparer.Ordinal);
        var few = wanted.Count <= 8 ? wanted.Select(id => (Id: id, Bytes: Encoding.UTF8.GetBytes(id))).ToArray() : null;
        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> chars = stackalloc char[256];
        for (var i = 0; i < Count && found.Count < wanted.Count; i++)
        {
            if (_decoded[i] is { } trial)
            {
                if (wanted.Contains(trial.TrialId))
                {
                    found.TryAdd(trial.TrialId, i);
                }

                continue;
            }

            var position = _layout.Starts[i];
            var id = ReadStringBytes(_bytes, ref position);
            if (few is not null)
            {
                foreach (var (name, bytes) in few)
                {
                    if (id.SequenceEqual(bytes))
                    {
                        found.TryAdd(name, i);
                    }
                }
            }
            // Ids are 1–200 ASCII characters (StorageCodec.ValidateId); a longer one cannot be wanted.
            else if (id.Length <= chars.Length && lookup.TryGetValue(chars[..Encoding.UTF8.GetChars(id, chars)], out var match))
            {
                found.TryAdd(match, i);
            }
        }

        return found;
    }

    /// <summary>A copy with the trials at the given positions replaced.</summary>
    public IndexedTrialList With(IEnumerable<KeyValuePair<int, IndexedTrial>> replaced)
    {
        var decoded = (IndexedTrial?[])_decoded.Clone();
        foreach (var (position, trial) in replaced)
        {
            decoded[position] = trial;
        }

        return new IndexedTrialList(_bytes, _layout, _sweepId, decoded);
    }

    public IEnumerator<IndexedTrial> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A leaderboard query's filters, as the records' bytes can be compared with.</summary>
    public sealed class RowFilter(LeaderboardQuery query)
    {
        public LeaderboardQuery Query { get; } = query;

        public byte[]? Dataset { get; } = query.Dataset is { } d ? Encoding.UTF8.GetBytes(d) : null;

        public byte[]? Architecture { get; } = query.Architecture is { } a ? Encoding.UTF8.GetBytes(a) : null;

        /// <summary>Where the metric is among a record's six row values.</summary>
        public int MetricIndex { get; } = query.Metric switch
        {
            "trainAccuracy" => 0,
            "devAccuracy" => 1,
            "testAccuracy" => 2,
            "testWeightedF1" => 3,
            "testWeightedAreaRatio" => 4,
            "wallSeconds" => 5,
            _ => throw new ArgumentException($"Unknown leaderboard metric '{query.Metric}'.", nameof(query)),
        };
    }

    /// <summary>
    /// Where each record starts and where its fixed fields start (after its three strings), with its status and
    /// flags: found by the one pass that checks the records, so a count or a metric is an array read.
    /// </summary>
    private sealed class Layout(int count)
    {
        public readonly int[] Starts = new int[count];
        public readonly int[] Fixed = new int[count];
        public readonly byte[] Statuses = new byte[count];
        public readonly byte[] Flags = new byte[count];
    }

    private static IndexedTrial DecodeAt(ReadOnlySpan<byte> bytes, int position, string sweepId)
    {
        var trialId = ReadString(bytes, ref position);
        var dataset = ReadString(bytes, ref position);
        var architecture = ReadString(bytes, ref position);
        var filters = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
        var learningRate = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(position + 4)..]);
        var seed = BinaryPrimitives.ReadInt32LittleEndian(bytes[(position + 12)..]);
        var status = (TrialStatus)bytes[position + StatusOffset];
        var steps = BinaryPrimitives.ReadInt32LittleEndian(bytes[(position + StatusOffset + 1)..]);
        var flags = bytes[position + FlagsOffset];
        position += RowOffset;
        LeaderboardRow? row = null;
        if ((flags & HasRow) != 0)
        {
            var values = new double[6];
            for (var v = 0; v < values.Length; v++)
            {
                values[v] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(position + 8 * v)..]);
            }

            row = new LeaderboardRow(trialId, sweepId, dataset, architecture, filters, learningRate, seed, status, steps,
                values[0], values[1], values[2], values[3], values[4], values[5]);
            position += RowBytes;
        }

        var error = (flags & HasError) != 0 ? ReadString(bytes, ref position) : null;
        var damage = (flags & HasDamage) != 0 ? ReadString(bytes, ref position) : null;
        return new IndexedTrial(trialId, dataset, architecture, filters, learningRate, seed, status, steps, row, error, damage);
    }

    /// <summary>
    /// Where the record that starts at <paramref name="position"/> ends, having checked every field; <paramref name="fixedFields"/>
    /// is where its fixed fields start.
    /// </summary>
    private static int RecordEnd(ReadOnlySpan<byte> bytes, int position, out int fixedFields)
    {
        for (var s = 0; s < 3; s++)
        {
            SkipString(bytes, ref position);
        }

        Need(bytes, position, RowOffset);
        fixedFields = position;
        if (!Statuses[bytes[position + StatusOffset]])
        {
            throw new InvalidDataException($"Unknown trial status {bytes[position + StatusOffset]}.");
        }

        var flags = bytes[position + FlagsOffset];
        position += RowOffset;
        if ((flags & HasRow) != 0)
        {
            Need(bytes, position, RowBytes);
            position += RowBytes;
        }

        if ((flags & HasError) != 0)
        {
            SkipString(bytes, ref position);
        }

        if ((flags & HasDamage) != 0)
        {
            SkipString(bytes, ref position);
        }

        return position;
    }

    private static bool[] DefinedStatuses()
    {
        var defined = new bool[256];
        foreach (var status in Enum.GetValues<TrialStatus>())
        {
            defined[(byte)status] = true;
        }

        return defined;
    }

    private static string ReadString(ReadOnlySpan<byte> bytes, ref int position) => Encoding.UTF8.GetString(ReadStringBytes(bytes, ref position));

    private static void SkipString(ReadOnlySpan<byte> bytes, ref int position) => ReadStringBytes(bytes, ref position);

    /// <summary>A BinaryWriter string's UTF-8 bytes: a 7-bit encoded length, then that many bytes.</summary>
    private static ReadOnlySpan<byte> ReadStringBytes(ReadOnlySpan<byte> bytes, ref int position)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
            {
                throw new InvalidDataException("A string length longer than five bytes.");
            }

            Need(bytes, position, 1);
            var b = bytes[position++];
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (length < 0)
        {
            throw new InvalidDataException("A negative string length.");
        }

        Need(bytes, position, length);
        var text = bytes.Slice(position, length);
        position += length;
        return text;
    }

    private static void Need(ReadOnlySpan<byte> bytes, int position, int length)
    {
        if (length > bytes.Length - position)
        {
            throw new InvalidDataException("A trial record cut short.");
        }
    }
}
