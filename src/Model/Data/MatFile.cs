using System.IO.Compression;
using System.Text;

namespace Sweep.Model.Data;

/// <summary>
/// A reader for what SVHN needs of MATLAB's level-5 MAT-file format (MathWorks, "MAT-File Format", ch. 1): the
/// 128-byte header with its endian indicator, top-level data elements that are miMATRIX or miCOMPRESSED (a zlib
/// stream holding further elements), the small data element format, and numeric arrays of any class with their
/// array flags, dimensions, name and real part. Cells, structs, strings, sparse and complex arrays are listed by
/// name but their contents are not read. MAT 7.3 files (HDF5) are recognised and refused with a clear message.
/// </summary>
internal sealed class MatFile
{
    private const int HeaderSize = 128;
    private const int TagSize = 8;
    private const ushort Version = 0x0100;
    private const uint ComplexFlag = 0x0800;
    private const int Hdf5Offset = 512;

    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly Dictionary<string, MatArray> _variables = new(StringComparer.Ordinal);

    private MatFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>The variables in file order (a name that occurs twice keeps its last value, as MATLAB's load does).</summary>
    public IReadOnlyDictionary<string, MatArray> Variables => _variables;

    public static MatFile Read(string path)
    {
        var file = ByteRegion.ReadFile(path);
        var header = file.Span(0, HeaderSize, "MAT-file header");
        // MAT 7.3 files keep the 128-byte MATLAB header but put an HDF5 file behind it, its signature at byte 512.
        if (file.Length >= Hdf5Offset + Hdf5Signature.Length
            && file.Span(Hdf5Offset, Hdf5Signature.Length, "HDF5 signature").SequenceEqual(Hdf5Signature))
        {
            throw new DatasetException(
                $"{path}: this is a MAT 7.3 (HDF5) file, which is not supported; save it in MATLAB with " +
                "save(..., '-v7') or use the original SVHN files (level 5).");
        }
        bool bigEndian;
        if (header[126] == 'I' && header[127] == 'M')
        {
            bigEndian = false;
        }
        else if (header[126] == 'M' && header[127] == 'I')
        {
            bigEndian = true;
        }
        else
        {
            throw new DatasetException(
                $"{file.Where(126, "endian indicator")}: expected 'IM' or 'MI' (a level-5 MAT file), found " +
                $"0x{header[126]:X2}{header[127]:X2}; the file is not a MATLAB level-5 MAT file.");
        }
        var region = file.WithByteOrder(bigEndian);
        var version = region.UInt16(124, "version");
        if (version != Version)
        {
            throw new DatasetException($"{region.Where(124, "version")}: expected 0x0100, found 0x{version:X4}.");
        }

        var mat = new MatFile(path);
        var offset = (long)HeaderSize;
        while (offset < region.Length)
        {
            offset = mat.ReadTopLevelElement(region, offset);
        }
        return mat;
    }

    /// <summary>Reads the top-level element at <paramref name="offset"/>; returns where the next one starts.</summary>
    private long ReadTopLevelElement(ByteRegion region, long offset)
    {
        var element = ReadTag(region, offset, "data element");
        switch (element.Type)
        {
            case (uint)MatDataType.Compressed:
                var inner = Decompress(region, element, offset);
                var innerOffset = 0L;
                while (innerOffset < inner.Length)
                {
                    innerOffset = ReadTopLevelElement(inner, innerOffset);
                }
                // Compressed elements are not padded: the next element follows the zlib stream directly.
                return element.DataOffset + element.Size;
            case (uint)MatDataType.Matrix:
                ReadMatrix(region, element);
                return element.Next;
            default:
                return element.Next;
        }
    }

    private static ByteRegion Decompress(ByteRegion region, Element element, long offset)
    {
        try
        {
            using var input = region.Stream(element.DataOffset, element.Size, "compressed data");
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            zlib.CopyTo(output);
            var context = region.Context is null
                ? $"the compressed element at offset {offset}"
                : $"the compressed element at offset {offset} of {region.Context}";
            return new ByteRegion(region.File, output.GetBuffer(), context, (int)output.Length) { BigEndian = region.BigEndian };
        }
        catch (InvalidDataException error)
        {
            throw new DatasetException(
                $"{region.Where(element.DataOffset, "compressed data")}: the zlib stream of {element.Size} bytes is " +
                $"corrupt or truncated ({error.Message}).", error);
        }
    }

    private void ReadMatrix(ByteRegion region, Element matrix)
    {
        if (matrix.Size == 0)
        {
            return;
        }
        var end = matrix.DataOffset + matrix.Size;
        region.Require(matrix.DataOffset, matrix.Size, "array (miMATRIX) contents");

        var flags = ReadTag(region, matrix.DataOffset, "array flags");
        if (flags.Type != (uint)MatDataType.UInt32 || flags.Size != 8)
        {
            throw new DatasetException(
                $"{region.Where(flags.Offset, "array flags")}: expected a miUINT32 element of 8 bytes, found type " +
                $"{flags.Type} of {flags.Size} bytes.");
        }
        var flagWord = region.UInt32(flags.DataOffset, "array flags");
        var classCode = (int)(flagWord & 0xFF);
        var isComplex = (flagWord & ComplexFlag) != 0;
        if (!Enum.IsDefined((MatClass)classCode))
        {
            throw new DatasetException(
                $"{region.Where(flags.DataOffset, "array class")}: expected a MATLAB class code 1-15, found {classCode}.");
        }
        var arrayClass = (MatClass)classCode;

        var dims = ReadTag(region, flags.Next, "dimensions");
        if (dims.Type != (uint)MatDataType.Int32 || dims.Size < 8 || dims.Size % 4 != 0)
        {
            throw new DatasetException(
                $"{region.Where(dims.Offset, "dimensions")}: expected a miINT32 element of at least 2 dimensions, " +
                $"found type {dims.Type} of {dims.Size} bytes.");
        }
        var dimensions = new int[dims.Size / 4];
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = region.Int32(dims.DataOffset + 4 * i, $"dimension {i + 1}");
            if (dimensions[i] < 0)
            {
                throw new DatasetException(
                    $"{region.Where(dims.DataOffset + 4 * i, $"dimension {i + 1}")}: expected a size >= 0, found {dimensions[i]}.");
            }
        }

        var nameTag = ReadTag(region, dims.Next, "array name");
        if (nameTag.Type is not ((uint)MatDataType.Int8 or (uint)MatDataType.UInt8 or (uint)MatDataType.Utf8))
        {
            throw new DatasetException(
                $"{region.Where(nameTag.Offset, "array name")}: expected a miINT8 element, found type {nameTag.Type}.");
        }
        var name = Encoding.ASCII.GetString(region.Span(nameTag.DataOffset, nameTag.Size, "array name"));
        CheckInside(region, nameTag, end, "array name");

        var numeric = arrayClass >= MatClass.Double;
        if (!numeric || isComplex)
        {
            _variables[name] = new MatArray(name, arrayClass, isComplex, dimensions, null, MatDataType.Double, 0);
            return;
        }

        var real = ReadTag(region, nameTag.Next, $"real part of {name}");
        var elementSize = MatArray.ElementSize((MatDataType)real.Type);
        if (elementSize == 0)
        {
            throw new DatasetException(
                $"{region.Where(real.Offset, $"real part of {name}")}: expected a numeric data type (miINT8 … miUINT64, " +
                $"miSINGLE, miDOUBLE), found type {real.Type}.");
        }
        CheckInside(region, real, end, $"real part of {name}");
        // In double so that absurd dimensions cannot overflow into a plausible size (sizes here are below 2^53).
        var count = dimensions.Aggregate(1.0, (product, dimension) => product * dimension);
        if (real.Size != count * elementSize)
        {
            throw new DatasetException(
                $"{region.Where(real.Offset, $"real part of {name}")}: dimensions {string.Join('x', dimensions)} need " +
                $"{count} values ({count * elementSize} bytes of {(MatDataType)real.Type}), found {real.Size} bytes.");
        }
        _variables[name] = new MatArray(name, arrayClass, false, dimensions, region, (MatDataType)real.Type, real.DataOffset);
    }

    private static void CheckInside(ByteRegion region, Element element, long end, string field)
    {
        if (element.DataOffset + element.Size > end)
        {
            throw new DatasetException(
                $"{region.Where(element.Offset, field)}: its {element.Size} bytes run past the end of the array " +
                $"element at offset {end}; the array's sizes are inconsistent.");
        }
    }

    /// <summary>
    /// Reads a tag: 4 bytes type and 4 bytes size, or — when the upper half of the first word is non-zero — the
    /// small data element format, size in the upper and type in the lower 16 bits, up to 4 data bytes inline.
    /// </summary>
    private static Element ReadTag(ByteRegion region, long offset, string field)
    {
        region.Require(offset, TagSize, $"{field} (tag)");
        var first = region.UInt32(offset, $"{field} (tag)");
        if ((first >> 16) != 0)
        {
            var smallSize = first >> 16;
            if (smallSize > 4)
            {
                throw new DatasetException(
                    $"{region.Where(offset, $"{field} (small element tag)")}: expected at most 4 data bytes, found {smallSize}.");
            }
            return new Element(offset, first & 0xFFFF, smallSize, offset + 4, offset + TagSize);
        }
        var size = region.UInt32(offset + 4, $"{field} (size)");
        var dataOffset = offset + TagSize;
        region.Require(dataOffset, size, $"{field} contents");
        // Every element ends on a 64-bit boundary; a last element may omit its padding.
        var next = Math.Min(dataOffset + ((size + 7L) & ~7L), region.Length);
        return new Element(offset, first, size, dataOffset, next);
    }

    /// <param name="Offset">Where the tag starts.</param>
    /// <param name="Next">Where the next element starts (after padding).</param>
    private readonly record struct Element(long Offset, uint Type, long Size, long DataOffset, long Next);
}
