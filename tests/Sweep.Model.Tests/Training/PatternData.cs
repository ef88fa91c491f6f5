using Sweep.Model.Data;

namespace Sweep.Model.Tests.Training;

/// <summary>
/// Small in-memory image sets where the class is a shape drawn at a random position on noise: 0 a horizontal bar,
/// 1 a vertical bar, 2 a diagonal, 3 a hollow square. Position varies, so a convolution genuinely helps.
/// </summary>
internal static class PatternData
{
    public static DatasetPair Create(ImageShape shape, int trainCount, int testCount, int seed, int classes = 4)
    {
        return new DatasetPair(Make("patterns/train", shape, trainCount, seed, classes), Make("patterns/test", shape, testCount, seed + 1, classes));
    }

    private static Dataset Make(string name, ImageShape shape, int count, int seed, int classes)
    {
        var random = new Random(seed);
        var images = new float[count * shape.Size];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % classes;
            labels[n] = label;
            var image = images.AsSpan(n * shape.Size, shape.Size);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)(random.NextDouble() * 0.3);
            }
            var top = random.Next(shape.Height - 3);
            var left = random.Next(shape.Width - 3);
            var channel = random.Next(shape.Channels);
            for (var a = 0; a < 4; a++)
            {
                for (var b = 0; b < 4; b++)
                {
                    var on = label switch
                    {
                        0 => a == 1,
                        1 => b == 2,
                        2 => a == b,
                        _ => a is 0 or 3 || b is 0 or 3,
                    };
                    if (on)
                    {
                        image[(channel * shape.Height + top + a) * shape.Width + left + b] = 1f;
                    }
                }
            }
        }
        return new Dataset(name, shape, classes, images, labels);
    }
}
