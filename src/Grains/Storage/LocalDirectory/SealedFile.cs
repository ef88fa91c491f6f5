using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// One checksummed file, written atomically: a temp file in the same directory, flushed to disk, then renamed
/// over the target. Layout (little-endian): magic "SWF1" | int32 step | int64 savedAt (Unix ms) |
/// int64 payload length | SHA-256 of the preceding 24 bytes and the payload | payload.
/// </summary>
internal static class SealedFile
{
    private const int HeaderBytes = 24;
    private const int HashBytes = 32;
    private static readonly byte[] Magic = "SWF1"u8.ToArray();

    /// <summary>Writes atomically; replaces an existing file when <paramref name="overwrite"/>, else returns false if one exists.</summary>
    public static async Task<bool> WriteAsync(string path, int step, DateTimeOffset savedAt, ReadOnlyMemory<byte> payload, bool overwrite, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), step);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), savedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), payload.Length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(payload.Span);
        return await AtomicFile.WriteAsync(path, overwrite, [header, hash.GetHashAndReset(), payload], cancellationToken);
    }

    /// <summary>The verified contents, null if the file does not exist; throws <see cref="InvalidDataException"/> if it is corrupt.</summary>
    public static async Task<SealedContent?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if (bytes.Length < HeaderBytes + HashBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a Sweep storage file (bad header).");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (length != bytes.Length - HeaderBytes - HashBytes)
        {
            throw new InvalidDataException($"{path}: truncated or extended (header says {length} payload bytes, file has {bytes.Length - HeaderBytes - HashBytes}).");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes.AsSpan(0, HeaderBytes));
        hash.AppendData(bytes.AsSpan(HeaderBytes + HashBytes));
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(bytes.AsSpan(HeaderBytes, HashBytes)))
        {
            throw new InvalidDataException($"{path}: SHA-256 checksum mismatch: the file is corrupt.");
        }

        return new SealedContent(
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8))),
            new ArraySegment<byte>(bytes, HeaderBytes + HashBytes, (int)length));
    }
}
