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

    public static byte[] Seal(ReadOnlySpan<byte> payload)
    {
        var result = new byte[HeaderSize + payload.Length + HashSize];
        Magic.CopyTo(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(8), Version);
        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(12), payload.Length);
        payload.CopyTo(result.AsSpan(HeaderSize));
        SHA256.HashData(payload, result.AsSpan(HeaderSize + payload.Length));
        return result;
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
}
