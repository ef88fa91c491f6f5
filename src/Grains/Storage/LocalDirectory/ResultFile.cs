using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Sweep.Model.Metrics;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>
/// A finished trial's <c>result.bin</c>, written once. Two separately checksummed sections, so a leaderboard reads
/// the small JSON section without the predictions. Layout (little-endian): magic "SWR1" | int64 json length |
/// SHA-256 of json | int64 binary length | SHA-256 of binary | json (UTF-8: row, train, dev, test, error) | binary:
/// curve (int64 length + <see cref="StorageCodec.EncodeCurve"/>), then dev and test predictions, each a byte
/// present flag and, if present, int32 classes | int64 label bytes | labels int32[] | int64 probability bytes | float32[].
/// </summary>
internal static class ResultFile
{
    private const int HeaderBytes = 4 + 8 + 32 + 8 + 32;
    private static readonly byte[] Magic = "SWR1"u8.ToArray();

    public static ReadOnlyMemory<byte>[] Encode(TrialResultRecord result)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new ResultDocument(result.Row, result.Train, result.Dev, result.Test, result.Error), StorageCodec.Json);
        using var binary = new MemoryStream();
        WriteBlock(binary, StorageCodec.EncodeCurve(result.Curve));
        WritePredictions(binary, result.DevPredictions);
        WritePredictions(binary, result.TestPredictions);
        var binaryBytes = binary.ToArray();

        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(4), json.Length);
        SHA256.HashData(json).CopyTo(header, 12);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(44), binaryBytes.Length);
        SHA256.HashData(binaryBytes).CopyTo(header, 52);
        return [header, json, binaryBytes];
    }

    /// <summary>The JSON section only (row and evaluations), verified.</summary>
    public static async Task<ResultDocument?> ReadDocumentAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenOrNull(path);
        if (stream is null)
        {
            return null;
        }

        var header = await ReadHeaderAsync(stream, path, cancellationToken);
        var json = await ReadSectionAsync(stream, header.JsonLength, header.JsonHash, path, "JSON", cancellationToken);
        return Deserialize(json, path);
    }

    /// <summary>The JSON section (row and evaluations), after both sections' checksums are verified.</summary>
    public static async Task<ResultDocument?> ReadVerifiedDocumentAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenOrNull(path);
        if (stream is null)
        {
            return null;
        }

        var header = await ReadHeaderAsync(stream, path, cancellationToken);
        var json = await ReadSectionAsync(stream, header.JsonLength, header.JsonHash, path, "JSON", cancellationToken);
        await ReadSectionAsync(stream, header.BinaryLength, header.BinaryHash, path, "binary", cancellationToken);
        return Deserialize(json, path);
    }

    /// <summary>
    /// Checks the file's integrity (header, length and both sections' checksums) without decoding it; false when
    /// there is no file. For callers that already hold what the file says (an index row parsed from it when it was
    /// written): matching checksums mean the bytes are those that were parsed, so decoding them again would only
    /// cost time (the JSON serializer's first use in a process is most of a query command's start). Synchronous: a
    /// result is tens of kilobytes from the page cache, and a query command that never waits on the thread pool
    /// starts no worker threads and compiles no async machinery.
    /// </summary>
    public static bool Verify(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        using (stream)
        {
            var header = new byte[HeaderBytes];
            try
            {
                stream.ReadExactly(header);
            }
            catch (EndOfStreamException)
            {
                throw Truncated(path);
            }

            var (jsonLength, jsonHash, binaryLength, binaryHash) = ParseHeader(header, stream.Length, path);
            CheckSection(stream, jsonLength, jsonHash, path, "JSON");
            CheckSection(stream, binaryLength, binaryHash, path, "binary");
            return true;
        }
    }

    /// <summary>The whole result, both sections verified.</summary>
    public static async Task<TrialResultRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenOrNull(path);
        if (stream is null)
        {
            return null;
        }

        var header = await ReadHeaderAsync(stream, path, cancellationToken);
        var json = await ReadSectionAsync(stream, header.JsonLength, header.JsonHash, path, "JSON", cancellationToken);
        var binary = await ReadSectionAsync(stream, header.BinaryLength, header.BinaryHash, path, "binary", cancellationToken);

        var document = Deserialize(json, path);
        var offset = 0;
        var curve = StorageCodec.DecodeCurve(ReadBlock(binary, ref offset));
        var dev = ReadPredictions(binary, ref offset);
        var test = ReadPredictions(binary, ref offset);
        return new TrialResultRecord(document.Row, curve, document.Train, document.Dev, document.Test, dev, test, document.Error);
    }

    /// <summary>One split's predictions; both sections verified, so a result damaged anywhere yields none.</summary>
    public static async Task<Predictions?> ReadPredictionsAsync(string path, PredictionSplit split, CancellationToken cancellationToken)
    {
        await using var stream = OpenOrNull(path);
        if (stream is null)
        {
            return null;
        }

        var header = await ReadHeaderAsync(stream, path, cancellationToken);
        await ReadSectionAsync(stream, header.JsonLength, header.JsonHash, path, "JSON", cancellationToken);
        var binary = await ReadSectionAsync(stream, header.BinaryLength, header.BinaryHash, path, "binary", cancellationToken);
        var offset = 0;
        ReadBlock(binary, ref offset);
        var dev = ReadPredictions(binary, ref offset);
        return split == PredictionSplit.Dev ? dev : ReadPredictions(binary, ref offset);
    }

    private static FileStream? OpenOrNull(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<(long JsonLength, byte[] JsonHash, long BinaryLength, byte[] BinaryHash)> ReadHeaderAsync(FileStream stream, string path, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        try
        {
            await stream.ReadExactlyAsync(header, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw Truncated(path);
        }

        return ParseHeader(header, stream.Length, path);
    }

    private static InvalidDataException Truncated(string path) => new($"{path}: truncated result file (shorter than its header).");

    private static (long JsonLength, byte[] JsonHash, long BinaryLength, byte[] BinaryHash) ParseHeader(byte[] header, long fileLength, string path)
    {
        var jsonLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(4));
        var binaryLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(44));
        if (!header.AsSpan(0, 4).SequenceEqual(Magic) || jsonLength < 0 || binaryLength < 0 || HeaderBytes + jsonLength + binaryLength != fileLength)
        {
            throw new InvalidDataException($"{path}: not a complete Sweep result file (bad header or length).");
        }

        return (jsonLength, header[12..44], binaryLength, header[52..84]);
    }

    /// <summary>Reads the next <paramref name="length"/> bytes and checks them against the header's hash.</summary>
    private static async Task<byte[]> ReadSectionAsync(FileStream stream, long length, byte[] expected, string path, string what, CancellationToken cancellationToken)
    {
        var section = new byte[length];
        await stream.ReadExactlyAsync(section, cancellationToken);
        CheckHash(section, expected, path, what);
        return section;
    }

    /// <summary><see cref="ReadSectionAsync"/>, synchronously.</summary>
    private static void CheckSection(FileStream stream, long length, byte[] expected, string path, string what)
    {
        var section = new byte[length];
        stream.ReadExactly(section);
        CheckHash(section, expected, path, what);
    }

    private static void CheckHash(byte[] section, byte[] expected, string path, string what)
    {
        if (!SHA256.HashData(section).AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException($"{path}: SHA-256 checksum mismatch in the {what} section: the file is corrupt.");
        }
    }

    private static ResultDocument Deserialize(byte[] json, string path) =>
        JsonSerializer.Deserialize<ResultDocument>(json, StorageCodec.Json)
        ?? throw new InvalidDataException($"{path}: empty result document.");

    private static void WriteBlock(Stream stream, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    private static ReadOnlySpan<byte> ReadBlock(byte[] binary, ref int offset)
    {
        var length = checked((int)BinaryPrimitives.ReadInt64LittleEndian(binary.AsSpan(offset)));
        var block = binary.AsSpan(offset + 8, length);
        offset += 8 + length;
        return block;
    }

    private static void WritePredictions(Stream stream, Predictions? predictions)
    {
        stream.WriteByte(predictions is null ? (byte)0 : (byte)1);
        if (predictions is null)
        {
            return;
        }

        Span<byte> classes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(classes, predictions.Classes);
        stream.Write(classes);
        WriteBlock(stream, StorageCodec.EncodeLabels(predictions));
        WriteBlock(stream, StorageCodec.EncodeProbabilities(predictions));
    }

    private static Predictions? ReadPredictions(byte[] binary, ref int offset)
    {
        var present = binary[offset++];
        if (present == 0)
        {
            return null;
        }

        var classes = BinaryPrimitives.ReadInt32LittleEndian(binary.AsSpan(offset));
        offset += 4;
        var labels = ReadBlock(binary, ref offset);
        var probabilities = ReadBlock(binary, ref offset);
        return StorageCodec.DecodePredictions(classes, labels, probabilities);
    }
}
