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
    /// <remarks>
    /// The header is read first and the payload straight into an array of its own size, so a large payload (a
    /// checkpoint of tens of MiB) is read once and never copied out of a whole-file buffer.
    /// </remarks>
    public static async Task<SealedContent?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        await using (stream)
        {
            var head = new byte[HeaderBytes + HashBytes];
            if (stream.Length < head.Length || await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) < head.Length
                || !head.AsSpan(0, 4).SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{path}: not a Sweep storage file (bad header).");
            }

            var length = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(16));
            var available = stream.Length - head.Length;
            if (length != available || length > Array.MaxLength)
            {
                throw new InvalidDataException($"{path}: truncated or extended (header says {length} payload bytes, file has {available}).");
            }

            // Every byte is overwritten by the read below (or the file is rejected), so zeroing it first is wasted.
            var payload = GC.AllocateUninitializedArray<byte>((int)length);
            if (await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken) < payload.Length)
            {
                throw new InvalidDataException($"{path}: truncated while being read (header says {length} payload bytes).");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(head.AsSpan(0, HeaderBytes));
            hash.AppendData(payload);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(head.AsSpan(HeaderBytes, HashBytes)))
            {
                throw new InvalidDataException($"{path}: SHA-256 checksum mismatch: the file is corrupt.");
            }

            return new SealedContent(
                BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4)),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(8))),
                payload);
        }
    }
}
