using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// The bytes of <c>sweeps/{sweepId}/index.swi</c>: a log of frames, each <c>"SWI2"</c> | int32 kind | int32 length |
/// payload | XXH3-64 of the kind, length and payload (little-endian). The first frame is a snapshot (the sweep's
/// header and every trial); each later one is a trial's whole new state, which replaces its entry. A frame that is
/// cut short or fails its checksum ends what can be trusted: <see cref="Decode"/> says so, and the store rebuilds.
/// <para>
/// The checksum guards against torn and damaged writes, not against forgery (the index is derived from files anyone
/// who can write it can write too), so it is a fast non-cryptographic hash: at 100 000 trials SHA-256 took 6.5 ms of
/// every query, and loading OpenSSL for it about 15 ms more. Frames written before, <c>"SWI1"</c> with a SHA-256, are
/// still read (a log may hold both until its next compaction rewrites it).
/// </para>
/// </summary>
internal static class SweepIndexFile
{
    private const int SnapshotKind = 1;
    private const int TrialKind = 2;
    private const int FrameHeaderBytes = 12;
    private const int HashBytes = 8;
    private const int Sha256Bytes = 32;
    private static readonly byte[] Magic = "SWI2"u8.ToArray();
    private static readonly byte[] Sha256Magic = "SWI1"u8.ToArray();

    /// <summary>A whole index file holding only the snapshot of <paramref name="index"/>.</summary>
    public static byte[] EncodeSnapshot(SweepIndex index)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(index.BootId);
            writer.Write(index.SweepId);
            writer.Write(index.GridHash);
            writer.Write(index.GridJson);
            writer.Write(index.CreatedAt.UtcTicks);
            writer.Write((short)index.CreatedAt.Offset.TotalMinutes);
            writer.Write(index.DefinitionLength);
            writer.Write(index.DefinitionWrittenTicks);
            writer.Write(index.Trials.Count);
            foreach (var trial in index.Trials)
            {
                IndexedTrialList.Write(writer, trial);
            }
        }

        return Frame(SnapshotKind, payload.ToArray());
    }

    /// <summary>One frame with a trial's new state, to append.</summary>
    public static byte[] EncodeTrial(IndexedTrial trial)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            IndexedTrialList.Write(writer, trial);
        }

        return Frame(TrialKind, payload.ToArray());
    }

    /// <summary>The length of the first frame (the snapshot), or null if the bytes do not start with one.</summary>
    public static long? SnapshotLength(ReadOnlySpan<byte> start) =>
        start.Length >= FrameHeaderBytes && TrailerBytes(start) is { } trailer && BinaryPrimitives.ReadInt32LittleEndian(start[4..]) == SnapshotKind
            ? FrameHeaderBytes + (long)BinaryPrimitives.ReadInt32LittleEndian(start[8..]) + trailer
            : null;

    /// <summary>True if the bytes start with a snapshot frame as written now (false for the earlier SHA-256 frames).</summary>
    public static bool IsCurrent(ReadOnlySpan<byte> start) => start.Length >= 4 && start[..4].SequenceEqual(Magic);

    /// <summary>The checksum's length for the frame's magic (XXH3-64 now, SHA-256 before); null if it is none of ours.</summary>
    private static int? TrailerBytes(ReadOnlySpan<byte> frame) =>
        frame[..4].SequenceEqual(Magic) ? HashBytes : frame[..4].SequenceEqual(Sha256Magic) ? Sha256Bytes : null;

    /// <summary>
    /// The index the bytes hold, and whether every byte was a sound frame. Null when not even the snapshot is sound;
    /// otherwise the snapshot with the sound frames that follow it applied (<c>Clean</c> false if more followed).
    /// </summary>
    public static (SweepIndex? Index, bool Clean) Decode(byte[] bytes)
    {
        var offset = 0;
        if (!TryFrame(bytes, ref offset, out var kind, out var payload) || kind != SnapshotKind)
        {
            return (null, false);
        }

        SweepIndex index;
        try
        {
            // The snapshot is the first frame, so its payload starts right after the frame header.
            index = ReadSnapshot(bytes, FrameHeaderBytes, payload.Length);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            return (null, false);
        }

        var changed = new Dictionary<string, IndexedTrial>(StringComparer.Ordinal);
        while (offset < bytes.Length)
        {
            if (!TryFrame(bytes, ref offset, out kind, out payload) || kind != TrialKind)
            {
                return (Apply(index, changed), false);
            }

            try
            {
                var trial = IndexedTrialList.Decode(payload.Span, index.SweepId);
                changed[trial.TrialId] = trial;
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
            {
                return (Apply(index, changed), false);
            }
        }

        return (Apply(index, changed), true);
    }

    private static SweepIndex Apply(SweepIndex index, Dictionary<string, IndexedTrial> changed) =>
        changed.Count == 0 ? index : index.With(changed.Values);

    /// <summary>
    /// The snapshot frame's header fields, and its trials left as the bytes they are (see <see cref="IndexedTrialList"/>):
    /// the frame's payload is the <paramref name="length"/> bytes at <paramref name="start"/> of <paramref name="bytes"/>.
    /// </summary>
    private static SweepIndex ReadSnapshot(byte[] bytes, int start, int length)
    {
        using var stream = new MemoryStream(bytes, start, length, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var bootId = reader.ReadString();
        var sweepId = reader.ReadString();
        var gridHash = reader.ReadString();
        var gridJson = reader.ReadString();
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        var createdAt = new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(offset);
        var definitionLength = reader.ReadInt64();
        var definitionTicks = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException("A negative trial count.");
        }

        var trials = IndexedTrialList.Scan(bytes, start + (int)stream.Position, start + length, count, sweepId, out var end);
        if (end != start + length)
        {
            throw new InvalidDataException("A snapshot longer than its trials.");
        }

        return new SweepIndex(bootId, sweepId, gridHash, gridJson, createdAt, definitionLength, definitionTicks, trials);
    }

    private static byte[] Frame(int kind, byte[] payload)
    {
        var frame = new byte[FrameHeaderBytes + payload.Length + HashBytes];
        Magic.CopyTo(frame, 0);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), kind);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), payload.Length);
        payload.CopyTo(frame, FrameHeaderBytes);
        XxHash3.Hash(frame.AsSpan(4, 8 + payload.Length), frame.AsSpan(FrameHeaderBytes + payload.Length));
        return frame;
    }

    private static bool TryFrame(byte[] bytes, ref int offset, out int kind, out ReadOnlyMemory<byte> payload)
    {
        (kind, payload) = (0, default);
        var rest = bytes.AsSpan(offset);
        if (rest.Length < FrameHeaderBytes || TrailerBytes(rest) is not { } trailer || rest.Length < FrameHeaderBytes + trailer)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest[8..]);
        if (length < 0 || length > rest.Length - FrameHeaderBytes - trailer)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[trailer];
        var hashed = rest.Slice(4, 8 + length);
        if (trailer == HashBytes)
        {
            XxHash3.Hash(hashed, hash);
        }
        else
        {
            SHA256.HashData(hashed, hash);
        }

        if (!hash.SequenceEqual(rest.Slice(FrameHeaderBytes + length, trailer)))
        {
            return false;
        }

        kind = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
        payload = new ReadOnlyMemory<byte>(bytes, offset + FrameHeaderBytes, length);
        offset += FrameHeaderBytes + length + trailer;
        return true;
    }
}
