namespace Sweep.Model.Data;

/// <summary>
/// SVHN's cropped digits (http://ufldl.stanford.edu/housenumbers/): train_32x32.mat and test_32x32.mat, MATLAB
/// level-5 files holding <c>X</c>, the images as height × width × channels × count (column-major, so pixel (row r,
/// column c, channel k, image n) is element r + H·(c + W·(k + C·n))), and <c>y</c>, count labels 1–10 where 10
/// stands for the digit 0. Sizes come from <c>X</c>'s dimensions (C is 1 or 3); the classes of both arrays are read
/// from the file (any numeric class; values must be whole numbers).
/// </summary>
internal static class SvhnFiles
{
    public const string TrainFile = "train_32x32.mat";
    public const string TestFile = "test_32x32.mat";

    public const string HowToGet =
        "Download train_32x32.mat and test_32x32.mat (format 2) from http://ufldl.stanford.edu/housenumbers/ into that directory.";

    private const int ZeroDigitLabel = 10;

    public static DatasetPair Load(string directory, string name)
    {
        var trainFile = Path.Combine(directory, TrainFile);
        var testFile = Path.Combine(directory, TestFile);
        foreach (var file in new[] { trainFile, testFile })
        {
            if (!File.Exists(file))
            {
                throw DatasetFiles.Missing(directory, Path.GetFileName(file), $"{TrainFile} and {TestFile}", HowToGet);
            }
        }
        var train = Read(trainFile, $"{name}/train");
        var test = Read(testFile, $"{name}/test");
        return DatasetFiles.Pair(train, trainFile, test, testFile);
    }

    /// <summary>Reads one file's <c>X</c> and <c>y</c>.</summary>
    public static Dataset Read(string path, string name)
    {
        var mat = MatFile.Read(path);
        var x = Numeric(mat, "X");
        var y = Numeric(mat, "y");

        var dims = x.Dimensions;
        // MATLAB drops trailing singleton dimensions (a single RGB image is 32x32x3) and may keep extra ones.
        if (dims.Skip(4).Any(dimension => dimension != 1))
        {
            throw new DatasetException(
                $"{path}: X has dimensions {string.Join('x', dims)}; expected height x width x channels x count.");
        }
        int Dimension(int index) => index < dims.Length ? dims[index] : 1;
        var (height, width, channels, count) = (Dimension(0), Dimension(1), Dimension(2), Dimension(3));
        if (height < 1 || width < 1 || channels is not (1 or 3) || count < 1)
        {
            throw new DatasetException(
                $"{path}: X has dimensions {string.Join('x', dims)}; expected height x width x channels x count with " +
                "height, width and count at least 1 and 1 or 3 channels.");
        }
        if (y.ElementCount != count || y.Dimensions.Count(dimension => dimension != 1) > 1)
        {
            throw new DatasetException(
                $"{path}: X holds {count} images but y has dimensions {string.Join('x', y.Dimensions)}; expected " +
                $"{count}x1 labels, one per image.");
        }

        var shape = new ImageShape(channels, height, width);
        var pixels = ChannelMajorPixels(x, shape, count);
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var value = y.Value(n);
            if (value != Math.Floor(value) || value < 1 || value > ZeroDigitLabel)
            {
                throw new DatasetException(
                    $"{y.Region.Where(y.OffsetOf(n), $"y[{n}]")}: expected a whole-number label 1-10 (10 stands for " +
                    $"the digit 0), found {value}.");
            }
            labels[n] = (int)value % ZeroDigitLabel;
        }
        return new Dataset(name, shape, DatasetFiles.Classes, pixels, labels);
    }

    /// <summary>
    /// Writes both splits as compressed MAT files: X as uint8, y as double (like the published files), the
    /// digit 0 stored as label 10.
    /// </summary>
    public static void Write(DatasetPair pair, string directory, bool labelsAsDouble = true, bool compress = true)
    {
        Write(pair.Train, Path.Combine(directory, TrainFile), labelsAsDouble, compress);
        Write(pair.Test, Path.Combine(directory, TestFile), labelsAsDouble, compress);
    }

    private static void Write(Dataset dataset, string path, bool labelsAsDouble, bool compress)
    {
        var shape = dataset.Shape;
        var (height, width, channels) = (shape.Height, shape.Width, shape.Channels);
        var x = new byte[(long)dataset.Count * shape.Size];
        for (var n = 0; n < dataset.Count; n++)
        {
            var image = dataset.Image(n);
            for (var k = 0; k < channels; k++)
            {
                for (var r = 0; r < height; r++)
                {
                    for (var c = 0; c < width; c++)
                    {
                        x[r + height * (c + width * (k + channels * (long)n))] =
                            PixelScale.ToByte(image[(k * height + r) * width + c]);
                    }
                }
            }
        }
        var labels = dataset.Labels.Select(label => label == 0 ? ZeroDigitLabel : label).ToArray();
        AtomicFile.Write(path, stream =>
        {
            var writer = new MatWriter(stream, compress);
            writer.WriteUInt8("X", [height, width, channels, dataset.Count], x);
            int[] labelDimensions = [dataset.Count, 1];
            if (labelsAsDouble)
            {
                writer.WriteDouble("y", labelDimensions, labels.Select(label => (double)label).ToArray());
            }
            else
            {
                writer.WriteUInt8("y", labelDimensions, labels.Select(label => (byte)label).ToArray());
            }
        });
    }

    private static MatArray Numeric(MatFile mat, string name)
    {
        if (!mat.Variables.TryGetValue(name, out var array))
        {
            var found = mat.Variables.Count == 0 ? "none" : string.Join(", ", mat.Variables.Keys);
            throw new DatasetException($"{mat.Path}: expected a variable '{name}' (SVHN format 2); found variables: {found}.");
        }
        if (!array.HasData)
        {
            var what = array.IsComplex ? "complex" : $"of class {array.Class}";
            throw new DatasetException($"{mat.Path}: variable '{name}' is {what}; expected a real numeric array.");
        }
        return array;
    }

    /// <summary>Transposes X's column-major planes into channel-major rows and scales them to [0,1].</summary>
    private static float[] ChannelMajorPixels(MatArray x, ImageShape shape, int count)
    {
        var (height, width) = (shape.Height, shape.Width);
        if ((long)count * shape.Size > Array.MaxLength)
        {
            throw new DatasetException($"{x.Region.File}: {count} images of {shape} are too many to hold in memory.");
        }
        var pixels = new float[count * shape.Size];
        var planes = count * shape.Channels;
        var plane = height * width;
        var raw = x.UInt8Data;
        for (var p = 0; p < planes; p++)
        {
            // Plane p (channel k of image n, p = k + C·n) is contiguous in both layouts; inside it X has rows
            // fastest (r + H·c) and the dataset has columns fastest (r·W + c).
            var destination = pixels.AsSpan(p * plane, plane);
            for (var c = 0; c < width; c++)
            {
                var source = (long)p * plane + height * c;
                for (var r = 0; r < height; r++)
                {
                    destination[r * width + c] = raw.IsEmpty
                        ? PixelScale.ToUnit(PixelByte(x, source + r))
                        : PixelScale.ToUnit(raw[(int)(source + r)]);
                }
            }
        }
        return pixels;
    }

    /// <summary>A pixel stored in a type wider than uint8: it must still be a whole number in 0–255.</summary>
    private static byte PixelByte(MatArray x, long index)
    {
        var value = x.Value(index);
        if (value != Math.Floor(value) || value < 0 || value > 255)
        {
            throw new DatasetException(
                $"{x.Region.Where(x.OffsetOf(index), $"X[{index}]")}: expected a whole-number pixel 0-255, found {value}.");
        }
        return (byte)value;
    }
}
