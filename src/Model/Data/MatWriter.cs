using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sweep.Model.Data;

/// <summary>
/// Writes numeric arrays as a little-endian level-5 MAT file, each variable one miMATRIX element, optionally inside
/// an miCOMPRESSED element as MATLAB's default (-v7) does. Names of up to 4 characters use the small data element
/// format, again as MATLAB does.
/// </summary>
internal sealed class MatWriter
{
    private const string HeaderText = "MATLAB 5.0 MAT-file, Platform: Sweep, Created by: Sweep synthetic datasets";

    private readonly Stream _output;
    private readonly bool _compress;

    /// <summary>Writes the 128-byte header to <paramref name="output"/>.</summary>
    public MatWriter(Stream output, bool compress)
    {
        _output = output;
        _compress = compress;
        var header = new byte[128];
        var text = Encoding.ASCII.GetBytes(HeaderText);
        header.AsSpan(0, 116).Fill((byte)' ');
        text.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        _output.Write(header);
    }

    /// <summary>A uint8 array, stored as miUINT8.</summary>
    public void WriteUInt8(string name, int[] dimensions, ReadOnlySpan<byte> values) =>
        WriteArray(name, MatClass.UInt8, dimensions, MatDataType.UInt8, values);

    /// <summary>A double array, stored as miDOUBLE.</summary>
    public void WriteDouble(string name, int[] dimensions, ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        }
        WriteArray(name, MatClass.Double, dimensions, MatDataType.Double, bytes);
    }

    private void WriteArray(string name, MatClass arrayClass, int[] dimensions, MatDataType dataType, ReadOnlySpan<byte> data)
    {
        var count = dimensions.Aggregate(1L, (product, dimension) => product * dimension);
        if (count * MatArray.ElementSize(dataType) != data.Length)
        {
            throw new ArgumentException(
                $"{data.Length} bytes do not make an array of {string.Join('x', dimensions)} {dataType} values.", nameof(data));
        }
        using var body = new MemoryStream();
        WriteTag(body, MatDataType.UInt32, 8);
        WriteUInt32(body, (uint)arrayClass);
        WriteUInt32(body, 0);
        WriteTag(body, MatDataType.Int32, dimensions.Length * 4);
        foreach (var dimension in dimensions)
        {
            WriteUInt32(body, (uint)dimension);
        }
        Pad(body);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length <= 4)
        {
            WriteUInt32(body, ((uint)nameBytes.Length << 16) | (uint)MatDataType.Int8);
            body.Write(nameBytes);
            body.Write(new byte[4 - nameBytes.Length]);
        }
        else
        {
            WriteTag(body, MatDataType.Int8, nameBytes.Length);
            body.Write(nameBytes);
            Pad(body);
        }
        WriteTag(body, dataType, data.Length);
        body.Write(data);
        Pad(body);

        using var matrix = new MemoryStream();
        WriteTag(matrix, MatDataType.Matrix, (int)body.Length);
        body.Position = 0;
        body.CopyTo(matrix);
        if (!_compress)
        {
            matrix.Position = 0;
            matrix.CopyTo(_output);
            return;
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            matrix.Position = 0;
            matrix.CopyTo(zlib);
        }
        WriteTag(_output, MatDataType.Compressed, (int)compressed.Length);
        compressed.Position = 0;
        compressed.CopyTo(_output);
    }

    private static void WriteTag(Stream stream, MatDataType type, int size)
    {
        WriteUInt32(stream, (uint)type);
        WriteUInt32(stream, (uint)size);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        stream.Write(word);
    }

    private static void Pad(Stream stream)
    {
        var remainder = (int)(stream.Length % 8);
        if (remainder != 0)
        {
            stream.Write(new byte[8 - remainder]);
        }
    }
}
