using System.Buffers.Binary;

namespace Sweep.Model.Data;

/// <summary>
/// Bytes of a dataset file (or of a decompressed part of one) with bounds-checked reads. Every failed read throws
/// a <see cref="DatasetException"/> that names the file, the field and its offset, so a truncated or corrupt file
/// never surfaces as an IndexOutOfRangeException.
/// </summary>
internal sealed class ByteRegion
{
    private readonly byte[] _bytes;
    private readonly int _length;

    /// <param name="file">The file path, for messages.</param>
    /// <param name="bytes">The data; only its first <paramref name="length"/> bytes belong to the region
    /// (all of them when null), so a decompression buffer can be used without a copy.</param>
    /// <param name="context">Where these bytes sit inside the file when they are not the file itself
    /// (e.g. "the compressed element at offset 128"), or null.</param>
    public ByteRegion(string file, byte[] bytes, string? context = null, int? length = null)
    {
        File = file;
        _bytes = bytes;
        _length = length ?? bytes.Length;
        Context = context;
    }

    public string File { get; }

    public string? Context { get; }

    public int Length => _length;

    /// <summary>True when multi-byte numbers are big-endian (IDX always, MAT when the header says so).</summary>
    public bool BigEndian { get; init; }

    /// <summary>Reads a whole file, decompressing it when its name ends in ".gz".</summary>
    public static ByteRegion ReadFile(string path, bool bigEndian = false)
    {
        try
        {
            if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                return new ByteRegion(path, System.IO.File.ReadAllBytes(path)) { BigEndian = bigEndian };
            }
            using var file = System.IO.File.OpenRead(path);
            Span<byte> signature = stackalloc byte[2];
            if (file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) < 2 || signature[0] != 0x1F || signature[1] != 0x8B)
            {
                throw new DatasetException(
                    $"{path}: not a gzip file (a .gz file starts with the bytes 1f 8b); give the file its name without .gz if it is not compressed, or compress it with gzip");
            }
            file.Position = 0;
            using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            // A gzip stream cut short can end without an error: its trailer (the last 4 bytes) must give the size.
            Span<byte> trailer = stackalloc byte[4];
            file.Position = Math.Max(0, file.Length - 4);
            file.ReadExactly(trailer);
            var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            if (file.Length < 18 || expected != (uint)memory.Length)
            {
                throw new DatasetException(
                    $"{path}: the gzip stream is truncated or corrupt: it decompresses to {memory.Length} bytes but its trailer says {expected}; download or compress the file again");
            }
            return new ByteRegion(path, memory.ToArray()) { BigEndian = bigEndian };
        }
        catch (InvalidDataException error)
        {
            throw new DatasetException($"{path}: the gzip stream is corrupt or truncated ({error.Message}).", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot read the file ({error.Message}).", error);
        }
    }

    /// <summary>The same bytes read with the given byte order.</summary>
    public ByteRegion WithByteOrder(bool bigEndian) => new(File, _bytes, Context, _length) { BigEndian = bigEndian };

    /// <summary>A read-only stream over <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    public Stream Stream(long offset, long length, string field)
    {
        Require(offset, length, field);
        return new MemoryStream(_bytes, (int)offset, (int)length, writable: false);
    }

    /// <summary>A message prefix naming the file, the context and the field at <paramref name="offset"/>.</summary>
    public string Where(long offset, string field) =>
        Context is null
            ? $"{File}: {field} at offset {offset}"
            : $"{File}: {field} at offset {offset} of {Context}";

    /// <summary>Throws unless <paramref name="length"/> bytes from <paramref name="offset"/> lie inside the region.</summary>
    public void Require(long offset, long length, string field)
    {
        if (offset < 0 || length < 0 || offset + length > _length)
        {
            throw new DatasetException(
                $"{Where(offset, field)}: needs {length} bytes but only {Math.Max(0, _length - offset)} remain " +
                $"(the data ends at byte {_length}); the file is truncated or its header is wrong.");
        }
    }

    public ReadOnlySpan<byte> Span(long offset, long length, string field)
    {
        Require(offset, length, field);
        return _bytes.AsSpan((int)offset, (int)length);
    }

    public byte UInt8(long offset, string field) => Span(offset, 1, field)[0];

    public ushort UInt16(long offset, string field)
    {
        var span = Span(offset, 2, field);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    public uint UInt32(long offset, string field)
    {
        var span = Span(offset, 4, field);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    public int Int32(long offset, string field)
    {
        var span = Span(offset, 4, field);
        return BigEndian ? BinaryPrimitives.ReadInt32BigEndian(span) : BinaryPrimitives.ReadInt32LittleEndian(span);
    }
}
