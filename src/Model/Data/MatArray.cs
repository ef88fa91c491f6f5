using System.Buffers.Binary;

namespace Sweep.Model.Data;

/// <summary>
/// One variable of a level-5 MAT file. Numeric real arrays keep their data where it lies in the file (or in the
/// decompressed element) and decode values on demand; MATLAB may store an array in a narrower type than its class
/// (a double array holding small integers is often written as uint8), so values are decoded by the data
/// element's own type, not by the class.
/// </summary>
internal sealed class MatArray
{
    private readonly ByteRegion? _region;

    /// <param name="dataOffset">Offset of the real part's bytes in <paramref name="region"/>; ignored without data.</param>
    public MatArray(
        string name,
        MatClass arrayClass,
        bool isComplex,
        int[] dimensions,
        ByteRegion? region,
        MatDataType dataType,
        long dataOffset)
    {
        Name = name;
        Class = arrayClass;
        IsComplex = isComplex;
        Dimensions = dimensions;
        _region = region;
        DataType = dataType;
        DataOffset = dataOffset;
    }

    public string Name { get; }

    public MatClass Class { get; }

    public bool IsComplex { get; }

    /// <summary>MATLAB's dimensions, first dimension fastest (column-major).</summary>
    public int[] Dimensions { get; }

    /// <summary>Type of the stored real part (meaningful when <see cref="HasData"/>).</summary>
    public MatDataType DataType { get; }

    public long DataOffset { get; }

    /// <summary>True for numeric, real arrays whose values can be read.</summary>
    public bool HasData => _region is not null;

    /// <summary>Product of the dimensions.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>The region holding the data, for error messages and offsets.</summary>
    public ByteRegion Region => _region ?? throw new InvalidOperationException($"MAT variable {Name} has no numeric data.");

    /// <summary>Bytes per stored element of a numeric data type, or 0 for a non-numeric one.</summary>
    public static int ElementSize(MatDataType type) => type switch
    {
        MatDataType.Int8 or MatDataType.UInt8 => 1,
        MatDataType.Int16 or MatDataType.UInt16 => 2,
        MatDataType.Int32 or MatDataType.UInt32 or MatDataType.Single => 4,
        MatDataType.Double or MatDataType.Int64 or MatDataType.UInt64 => 8,
        _ => 0,
    };

    /// <summary>Offset in <see cref="Region"/> of element <paramref name="index"/>, for error messages.</summary>
    public long OffsetOf(long index) => DataOffset + index * ElementSize(DataType);

    /// <summary>The raw bytes when the data is stored as uint8 (the fast path for SVHN's images), else empty.</summary>
    public ReadOnlySpan<byte> UInt8Data =>
        DataType == MatDataType.UInt8 ? Region.Span(DataOffset, ElementCount, $"data of {Name}") : [];

    /// <summary>Element <paramref name="index"/> (column-major), converted to double.</summary>
    public double Value(long index)
    {
        var size = ElementSize(DataType);
        var bytes = Region.Span(DataOffset + index * size, size, $"{Name}[{index}]");
        var big = Region.BigEndian;
        return DataType switch
        {
            MatDataType.Int8 => (sbyte)bytes[0],
            MatDataType.UInt8 => bytes[0],
            MatDataType.Int16 => big ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes),
            MatDataType.UInt16 => big ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            MatDataType.Int32 => big ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
            MatDataType.UInt32 => big ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            MatDataType.Single => big ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
            MatDataType.Double => big ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            MatDataType.Int64 => big ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
            MatDataType.UInt64 => big ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            _ => throw new InvalidOperationException($"MAT data type {DataType} is not numeric."),
        };
    }
}
