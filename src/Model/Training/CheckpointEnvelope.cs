using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sweep.Model.Training;

/// <summary>
/// The frame around a checkpoint payload: 8-byte magic <c>SWEEPCKP</c>, int32 format version, int64 payload
/// length, the payload, then the SHA-256 of the payload. Opening checks each in turn, so a truncated, corrupt or
/// foreign file is rejected before any of it is interpreted.
/// </summary>
internal static class CheckpointEnvelope
{
    public const int Version = 1;

    private const int HeaderSize = 8 + 4 + 8;
    private const int HashSize = 32;

    private static ReadOnlySpan<byte> Magic => "SWEEPCKP"u8;

    /// <summary>
    /// Seals the payload that <paramref name="write"/> produces, written straight into the one array returned:
    /// a first pass only counts its bytes, so a checkpoint of tens of MiB costs one allocation of its exact size
    /// (instead of a growing buffer's copies and the fresh pages each of them touches) and no copy.
    /// <paramref name="write"/> must write the same bytes on both passes.
    /// </summary>
    public static byte[] Seal(Action<BinaryWriter> write)
    {
        var counter = new CountingStream();
        using (var writer = new BinaryWriter(counter, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }
        var length = checked((int)counter.Length);
        // Uninitialised: the payload, the header and the hash below write every byte of it.
        var result = GC.AllocateUninitializedArray<byte>(HeaderSize + length + HashSize);
        using (var stream = new MemoryStream(result, HeaderSize, length, writable: true))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
            writer.Flush();
            if (stream.Position != length)
            {
                throw new InvalidOperationException($"The checkpoint writer wrote {stream.Position} bytes on its second pass, {length} on its first.");
            }
        }
        WriteFrame(result, length);
        return result;
    }

    /// <summary>Fills in the header and the hash around the payload already in place at <see cref="HeaderSize"/>.</summary>
    private static void WriteFrame(byte[] result, int length)
    {
        Magic.CopyTo(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(8), Version);
        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(12), length);
        SHA256.HashData(result.AsSpan(HeaderSize, length), result.AsSpan(HeaderSize + length));
    }

    /// <summary>Returns the verified payload; throws <see cref="CheckpointException"/>.</summary>
    public static ReadOnlySpan<byte> Open(ReadOnlySpan<byte> checkpoint)
    {
        if (checkpoint.Length < HeaderSize)
        {
            throw new CheckpointException(
                $"Checkpoint is truncated: {checkpoint.Length} bytes, but the header alone is {HeaderSize} bytes.");
        }
        if (!checkpoint[..8].SequenceEqual(Magic))
        {
            throw new CheckpointException(
                $"Not a Sweep checkpoint: the first 8 bytes are '{Printable(checkpoint[..8])}', expected 'SWEEPCKP'.");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(checkpoint[8..]);
        if (version != Version)
        {
            throw new CheckpointException(
                $"Checkpoint format version {version} is not supported: this build reads version {Version}.");
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(checkpoint[12..]);
        var available = checkpoint.Length - HeaderSize - HashSize;
        if (length < 0 || length != available)
        {
            throw new CheckpointException(
                $"Checkpoint is truncated or padded: the header declares {length} payload bytes but the file holds {Math.Max(available, 0)} (total {checkpoint.Length} bytes).");
        }
        var payload = checkpoint.Slice(HeaderSize, (int)length);
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(payload, hash);
        if (!hash.SequenceEqual(checkpoint[(HeaderSize + (int)length)..]))
        {
            throw new CheckpointException("Checkpoint is corrupt: the SHA-256 of its payload does not match the stored checksum.");
        }
        return payload;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 32 and < 127 ? (char)b : '?');
        }
        return text.ToString();
    }

    /// <summary>A write-only stream that keeps nothing but the count of bytes written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override void WriteByte(byte value) => _length++;
        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
