using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

public sealed class SyntheticDatasetsTests
{
    private static SyntheticDatasetSource Shapes(int seed = 7, int train = 200, int test = 50, int size = 16) =>
        new("toy", "shapes", train, test, size, seed);

    [Theory]
    [InlineData("shapes")]
    [InlineData("gaussian")]
    public void Generate_SameSeed_GivesSameBits(string generator)
    {
        var source = new SyntheticDatasetSource("toy", generator, 120, 30, 0, 11);

        var first = SyntheticDatasets.Generate(source);
        var second = SyntheticDatasets.Generate(source);

        Assert.Equal(first.Train.Images, second.Train.Images);
        Assert.Equal(first.Train.Labels, second.Train.Labels);
        Assert.Equal(first.Test.Images, second.Test.Images);
        Assert.Equal(first.Test.Labels, second.Test.Labels);
    }

    [Theory]
    [InlineData("shapes")]
    [InlineData("gaussian")]
    public void Generate_DifferentSeed_GivesDifferentData(string generator)
    {
        var first = SyntheticDatasets.Generate(new SyntheticDatasetSource("toy", generator, 100, 20, 0, 1));
        var second = SyntheticDatasets.Generate(new SyntheticDatasetSource("toy", generator, 100, 20, 0, 2));

        Assert.NotEqual(first.Train.Images, second.Train.Images);
        Assert.NotEqual(first.Train.Labels, second.Train.Labels);
    }

    [Fact]
    public void Generate_TrainAndTestSplitsDiffer()
    {
        var pair = SyntheticDatasets.Generate(Shapes(train: 50, test: 50));

        Assert.NotEqual(pair.Train.Images, pair.Test.Images);
    }

    [Theory]
    [InlineData("shapes", 1003)]
    [InlineData("gaussian", 57)]
    public void Generate_ClassesAreBalanced(string generator, int train)
    {
        var pair = SyntheticDatasets.Generate(new SyntheticDatasetSource("toy", generator, train, 10, 0, 5));

        var counts = pair.Train.Labels.GroupBy(label => label).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, pair.Train.Classes);
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, train / 10, train / 10 + 1));
        // The order is shuffled, not a repeating 0..9 cycle.
        Assert.NotEqual(Enumerable.Range(0, train).Select(i => i % 10), pair.Train.Labels);
    }

    [Fact]
    public void Generate_AppliesDocumentedDefaults()
    {
        var shapes = SyntheticDatasets.WithDefaults(new SyntheticDatasetSource("s", "Shapes", 0, 0, 0, 1));
        var gaussian = SyntheticDatasets.WithDefaults(new SyntheticDatasetSource("g", "gaussian", 0, 0, 0, 1));

        Assert.Equal(("shapes", 10_000, 2_000, 16), (shapes.Generator, shapes.TrainSize, shapes.TestSize, shapes.ImageSize));
        Assert.Equal(("gaussian", 1_000, 200, 8), (gaussian.Generator, gaussian.TrainSize, gaussian.TestSize, gaussian.ImageSize));
        var pair = SyntheticDatasets.Generate(new SyntheticDatasetSource("g", "gaussian", 0, 0, 0, 1));
        Assert.Equal(new ImageShape(3, 8, 8), pair.Train.Shape);
        Assert.Equal(1_000, pair.Train.Count);
        Assert.Equal("g/train", pair.Train.Name);
    }

    [Fact]
    public void Shapes_ObjectPositionVariesAcrossSamplesOfOneClass()
    {
        var pair = SyntheticDatasets.Generate(Shapes(train: 200, size: 16));
        var centres = new HashSet<(int, int)>();
        for (var n = 0; n < pair.Train.Count; n++)
        {
            if (pair.Train.Labels[n] == 0)
            {
                centres.Add(ObjectCentre(pair.Train.Image(n), 16));
            }
        }

        // 20 squares: their centres (in whole pixels) are spread, not one fixed place.
        Assert.True(centres.Count >= 8, $"only {centres.Count} distinct centres");
        Assert.True(centres.Max(c => c.Item1) - centres.Min(c => c.Item1) >= 4);
        Assert.True(centres.Max(c => c.Item2) - centres.Min(c => c.Item2) >= 4);
    }

    [Fact]
    public void Shapes_PixelsAreInUnitRangeAndNotConstant()
    {
        var pair = SyntheticDatasets.Generate(Shapes(train: 30, test: 10));

        Assert.All(pair.Train.Images, pixel => Assert.InRange(pixel, 0f, 1f));
        Assert.True(pair.Train.Images.Max() - pair.Train.Images.Min() > 0.5f);
    }

    [Fact]
    public void Shapes_EveryClassDrawsADistinctMask()
    {
        // On a fine grid each class's shape covers a different set of points: no two classes are the same shape.
        var masks = Enumerable.Range(0, 10).Select(label =>
        {
            var mask = new bool[41 * 41];
            for (var i = 0; i < 41; i++)
            {
                for (var j = 0; j < 41; j++)
                {
                    mask[i * 41 + j] = ShapesGenerator.Inside(label, (j - 20) / 20f, (i - 20) / 20f, 0.28f);
                }
            }
            return mask;
        }).ToList();

        for (var a = 0; a < 10; a++)
        {
            Assert.Contains(true, masks[a]);
            for (var b = a + 1; b < 10; b++)
            {
                var differing = masks[a].Zip(masks[b]).Count(pair => pair.First != pair.Second);
                Assert.True(differing > 41 * 41 / 20, $"{ShapesGenerator.ClassNames[a]} and {ShapesGenerator.ClassNames[b]} differ in {differing} points");
            }
        }
    }

    [Theory]
    [InlineData("cubes", 10, 10, 16, "generator 'cubes'", "shapes, gaussian")]
    [InlineData("shapes", -1, 10, 16, "TrainSize -1", "1-")]
    [InlineData("shapes", 10, -5, 16, "TestSize -5", "1-")]
    [InlineData("shapes", 10, 10, 4, "ImageSize 4", "8-64")]
    [InlineData("shapes", 10, 10, 65, "ImageSize 65", "8-64")]
    [InlineData("gaussian", 10, 10, 1, "ImageSize 1", "2-64")]
    public void Generate_RejectsInvalidSettingsNamingFieldAndRange(
        string generator, int train, int test, int size, string field, string range)
    {
        DataAssert.Fails(
            () => SyntheticDatasets.Generate(new SyntheticDatasetSource("bad", generator, train, test, size, 1)),
            "'bad'", field, range);
    }

    [Fact]
    public void Generate_RejectsSizeTooLargeForMemory()
    {
        DataAssert.Fails(
            () => SyntheticDatasets.Generate(new SyntheticDatasetSource("huge", "shapes", int.MaxValue, 10, 64, 1)),
            "TrainSize 2147483647");
    }

    private static (int X, int Y) ObjectCentre(ReadOnlySpan<float> image, int size)
    {
        // The object is the set of pixels far from the median colour (the background dominates the image).
        var plane = size * size;
        var median = new float[3];
        for (var c = 0; c < 3; c++)
        {
            var channel = image.Slice(c * plane, plane).ToArray();
            Array.Sort(channel);
            median[c] = channel[plane / 2];
        }
        double sumX = 0, sumY = 0, weight = 0;
        for (var p = 0; p < plane; p++)
        {
            var distance = 0f;
            for (var c = 0; c < 3; c++)
            {
                distance = Math.Max(distance, Math.Abs(image[c * plane + p] - median[c]));
            }
            if (distance > ShapesGenerator.Contrast * 0.6f)
            {
                sumX += p % size;
                sumY += p / size;
                weight++;
            }
        }
        Assert.True(weight > 0, "the object should be visible against the background");
        return ((int)Math.Round(sumX / weight), (int)Math.Round(sumY / weight));
    }
}

