using Sweep.Model.Data;

namespace Sweep.Model.Tests;

public sealed class DatasetTests
{
    [Fact]
    public void Constructor_RejectsPixelCountThatDoesNotMatchLabels()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new Dataset("d", new ImageShape(1, 2, 2), 2, new float[7], new int[2]));
        Assert.Contains("7 pixels", error.Message);
    }

    [Fact]
    public void Constructor_RejectsLabelOutsideClassRange()
    {
        Assert.Throws<ArgumentException>(() =>
            new Dataset("d", new ImageShape(1, 1, 1), 2, new float[1], [2]));
    }
}
