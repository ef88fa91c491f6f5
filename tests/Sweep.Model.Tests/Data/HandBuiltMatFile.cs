using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace Sweep.Model.Tests.Data;

/// <summary>
/// Builds level-5 MAT files byte by byte from the format description, independently of the production writer,
/// so the reader is tested against the specification rather than against itself.
/// </summary>
internal sealed class HandBuiltMatFile
{
    public const int MiInt8 = 1;
    public const int MiUInt8 = 2;
    public const int MiInt16 = 3;
    public const int MiInt32 = 5;
    public const int MiUInt32 = 6;
    public const int MiDouble = 9;
    public const int MiMatrix = 14;
    public const int MiCompressed = 15;

    public const int MxChar = 4;
    public const int MxDouble = 6;
    public const int MxUInt8 = 9;
    public const int MxInt16 = 10;

    private readonly bool _bigEndian;
    private readonly List<byte> _bytes = [];

    public HandBuiltMatFile(bool bigEndian = false)
    {
        _bigEndian = bigEndian;
        var header = new byte[128];
        Array.Fill(header, (byte)' ', 0, 116);
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, hand built for tests").CopyTo(header, 0);
        Array.Clear(header, 116, 8);
        Word16(0x0100).CopyTo(header, 124);
        header[126] = (byte)(bigEndian ? 'M' : 'I');
        header[127] = (byte)(bigEndian ? 'I' : 'M');
        _bytes.AddRange(header);
    }

    public int Length => _bytes.Count;

    public HandBuiltMatFile Add(byte[] element)
    {
        _bytes.AddRange(element);
        return this;
    }

    public HandBuiltMatFile AddCompressed(byte[] element)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(element);
        }
        _bytes.AddRange(Tag(MiCompressed, (int)compressed.Length));
        _bytes.AddRange(compressed.ToArray());
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>A numeric miMATRIX element; <paramref name="data"/> already encoded in <paramref name="dataType"/>.</summary>
    public byte[] Matrix(string name, int arrayClass, int[] dimensions, int dataType, byte[] data, uint extraFlags = 0)
    {
        var body = new List<byte>();
        body.AddRange(Tag(MiUInt32, 8));
        body.AddRange(Word32((uint)arrayClass | extraFlags));
        body.AddRange(Word32(0));
        body.AddRange(Tag(MiInt32, 4 * dimensions.Length));
        foreach (var dimension in dimensions)
        {
            body.AddRange(Word32((uint)dimension));
        }
        Pad(body);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length <= 4)
        {
            // Small data element: byte count in the upper, type in the lower 16 bits of one word.
            body.AddRange(Word32(((uint)nameBytes.Length << 16) | MiInt8));
            body.AddRange(nameBytes);
            body.AddRange(new byte[4 - nameBytes.Length]);
        }
        else
        {
            body.AddRange(Tag(MiInt8, nameBytes.Length));
            body.AddRange(nameBytes);
            Pad(body);
        }
        body.AddRange(Tag(dataType, data.Length));
        body.AddRange(data);
        Pad(body);
        return [.. Tag(MiMatrix, body.Count), .. body];
    }

    public byte[] Doubles(params double[] values) => [.. values.SelectMany(value => Word(BitConverter.DoubleToUInt64Bits(value)))];

    public byte[] Int16s(params short[] values) => [.. values.SelectMany(value => Word16((ushort)value))];

    public byte[] Tag(int type, int size) => [.. Word32((uint)type), .. Word32((uint)size)];

    private byte[] Word32(uint value) => Word(value);

    private byte[] Word16(ushort value) => Word(value);

    /// <summary>An unsigned word of the integer's width in the file's byte order.</summary>
    private byte[] Word<TWord>(TWord value)
        where TWord : IBinaryInteger<TWord>
    {
        var bytes = new byte[value.GetByteCount()];
        if (_bigEndian)
        {
            value.WriteBigEndian(bytes);
        }
        else
        {
            value.WriteLittleEndian(bytes);
        }
        return bytes;
    }

    private static void Pad(List<byte> bytes)
    {
        while (bytes.Count % 8 != 0)
        {
            bytes.Add(0);
        }
    }
}
