using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sweep.Dashboard.Tests.Support;

/// <summary>
/// Just enough of a PNG decoder to tell a rendered page from a blank one: 8-bit RGB or RGBA, not interlaced (what
/// Chromium writes). Reads the chunks, inflates IDAT, undoes the per-row filters (PNG spec, section 9).
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    /// <summary>Shape: [height, width, channels], row-major.</summary>
    public byte[] Pixels { get; }

    public static PngImage Read(byte[] file)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!file.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("Not a PNG file: the signature does not match.");
        }
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                var (depth, color, interlace) = (data[8], data[9], data[12]);
                if (depth != 8 || color is not (2 or 6) || interlace != 0)
                {
                    throw new InvalidDataException($"Unsupported PNG: bit depth {depth}, color type {color}, interlace {interlace}.");
                }
                channels = color == 2 ? 3 : 4;
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        var raw = inflated.ToArray();
        var stride = width * channels;
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var above = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = above[i], c = i >= channels ? above[i - channels] : 0;
                row[i] = (byte)(source[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG row {y} has unknown filter {filter}."),
                });
            }
        }
        return new PngImage(width, height, channels, pixels);
    }

    /// <summary>Variance of the pixels' luminance (0 for a blank page of one colour).</summary>
    public double LuminanceVariance()
    {
        double sum = 0, squares = 0;
        var n = Width * Height;
        for (var p = 0; p < n; p++)
        {
            var i = p * Channels;
            var y = 0.299 * Pixels[i] + 0.587 * Pixels[i + 1] + 0.114 * Pixels[i + 2];
            sum += y;
            squares += y * y;
        }
        var mean = sum / n;
        return squares / n - mean * mean;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
