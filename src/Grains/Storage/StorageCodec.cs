using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sweep.Model.Metrics;
using Sweep.Model.Training;

namespace Sweep.Grains.Storage;

/// <summary>
/// Encodings shared by both backends. JSON (camelCase, enums as names, NaN allowed) for definitions, rows and
/// evaluations; little-endian binary for curves and predictions, which are large and must round-trip bit for bit.
/// </summary>
internal static class StorageCodec
{
    /// <summary>JSON settings for everything the stores write as JSON.</summary>
    public static JsonSerializerOptions Json => JsonSettings.Options;

    // Ids a store accepts: the characters of a safe file name.
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    private const int CurvePointBytes = sizeof(int) + (3 * sizeof(double));

    static StorageCodec()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Sweep's binary storage format is little-endian; this machine is big-endian.");
        }
    }

    /// <summary>Throws <see cref="StoreException"/> (ids come from users) unless <paramref name="id"/> is a non-empty safe file name ([A-Za-z0-9_.-], not "." or "..").</summary>
    public static void ValidateId(string id, string what)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0 || id.Length > 200 || id.AsSpan().ContainsAnyExcept(IdCharacters) || id is "." or "..")
        {
            throw new StoreException(
                $"invalid {what} '{id}': ids are 1–200 characters from [A-Za-z0-9_.-] (and not '.' or '..'), so they are safe file names",
                id,
                "1–200 characters from A-Z a-z 0-9 _ . -");
        }
    }

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>Layout: int32 count, then per point int32 step, float64 batchCost, batchAccuracy, devAccuracy.</summary>
    public static byte[] EncodeCurve(IReadOnlyList<CurvePoint> curve)
    {
        var bytes = new byte[sizeof(int) + (curve.Count * CurvePointBytes)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, curve.Count);
        var offset = sizeof(int);
        foreach (var point in curve)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], point.Step);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 4)..], point.BatchCost);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 12)..], point.BatchAccuracy);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 20)..], point.DevAccuracy);
            offset += CurvePointBytes;
        }

        return bytes;
    }

    public static CurvePoint[] DecodeCurve(ReadOnlySpan<byte> bytes)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (count < 0 || bytes.Length != sizeof(int) + ((long)count * CurvePointBytes))
        {
            throw new InvalidDataException($"Stored learning curve is malformed: {bytes.Length} bytes for {count} points.");
        }

        var curve = new CurvePoint[count];
        var offset = sizeof(int);
        for (var i = 0; i < count; i++)
        {
            curve[i] = new CurvePoint(
                BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 4)..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 12)..]),
                BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 20)..]));
            offset += CurvePointBytes;
        }

        return curve;
    }

    public static byte[] EncodeLabels(Predictions predictions) => MemoryMarshal.AsBytes(predictions.Labels.AsSpan()).ToArray();

    public static byte[] EncodeProbabilities(Predictions predictions) => MemoryMarshal.AsBytes(predictions.Probabilities.AsSpan()).ToArray();

    /// <summary>Rebuilds predictions from the raw little-endian int32 labels and float32 probabilities.</summary>
    public static Predictions DecodePredictions(int classes, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> probabilities)
    {
        if (classes <= 0 || labels.Length % sizeof(int) != 0 || probabilities.Length != (long)labels.Length / sizeof(int) * classes * sizeof(float))
        {
            throw new InvalidDataException(
                $"Stored predictions are malformed: {classes} classes, {labels.Length} label bytes, {probabilities.Length} probability bytes.");
        }

        return new Predictions(
            classes,
            MemoryMarshal.Cast<byte, int>(labels).ToArray(),
            MemoryMarshal.Cast<byte, float>(probabilities).ToArray());
    }

    /// <summary>Throws if predictions are internally inconsistent (a bug in the caller).</summary>
    public static void ValidatePredictions(Predictions? predictions, string what)
    {
        if (predictions is null)
        {
            return;
        }

        if (predictions.Classes <= 0 || predictions.Probabilities.Length != (long)predictions.Labels.Length * predictions.Classes)
        {
            throw new ArgumentException(
                $"{what}: {predictions.Labels.Length} labels × {predictions.Classes} classes needs {(long)predictions.Labels.Length * predictions.Classes} probabilities, got {predictions.Probabilities.Length}.",
                nameof(predictions));
        }
    }

    // A class of its own, built on first use: a query command that writes and reads no JSON (a leaderboard on the
    // local store) then never loads the serializer, a sizeable part of its start.
    private static class JsonSettings
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new JsonStringEnumConverter() },
        };
    }
}
