using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Model.Tests.Networks;

public sealed class ArchitectureSpecTests
{
    [Theory]
    [InlineData("dnn", null, "dense128-dense128-dense64", false)]
    [InlineData("cnn", null, "conv3k3s1p1-dense128-dense64", true)]
    [InlineData("CNN", 32, "conv32k3s1p1-dense128-dense64", true)]
    [InlineData("cnn2", null, "conv5k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense128-dense64", true)]
    [InlineData(" cnn2 ", 8, "conv8k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense128-dense64", true)]
    [InlineData("dnn", 16, "dense128-dense128-dense64", false)]
    public void Presets_ExpandToThePapersNetworks(string text, int? filters, string expected, bool hasConvolution)
    {
        var spec = ArchitectureSpec.Parse(text, filters);
        Assert.Equal(expected, spec.Text);
        Assert.Equal(hasConvolution, spec.HasConvolution);
    }

    [Theory]
    [InlineData("conv16k3-pool2-dense128", null, "conv16k3s1p0-pool2s2-dense128")]
    [InlineData("conv16k3s1p1-pool2-conv8k3p1-pool2s2-dense128-dense64", null, "conv16k3s1p1-pool2s2-conv8k3s1p1-pool2s2-dense128-dense64")]
    [InlineData("conv4k5s2p2-pool3s1", 12, "conv12k5s2p2-pool3s1")]
    [InlineData("dense10", 12, "dense10")]
    public void LayerStacks_ParseToCanonicalTextThatParsesToItself(string text, int? filters, string expected)
    {
        var spec = ArchitectureSpec.Parse(text, filters);
        Assert.Equal(expected, spec.Text);
        Assert.Equal(expected, ArchitectureSpec.Parse(spec.Text).Text);
    }

    [Theory]
    [InlineData("conv3k3-relu", "Layer 2 'relu' is not a known layer")]
    [InlineData("dense0", "Layer 1 'dense0': unit count is 0, but it must be at least 1")]
    [InlineData("conv3k0p1", "Layer 1 'conv3k0p1': filter size k is 0")]
    [InlineData("conv0k3", "Layer 1 'conv0k3': filter count is 0")]
    [InlineData("conv2k3s0", "Layer 1 'conv2k3s0': stride s is 0")]
    [InlineData("conv2k3-pool0", "Layer 2 'pool0': window is 0")]
    [InlineData("dense10-conv3k3", "Layer 2 'conv3k3' (conv 3 filters 3x3 stride 1 pad 0) follows a dense layer")]
    [InlineData("dense10--dense5", "Layer 2 '' is not a known layer")]
    [InlineData("", "Architecture is empty")]
    [InlineData("dense99999999999", "Layer 1 'dense99999999999': unit count 99999999999 is too large")]
    public void Parse_RejectsUnusableSpecs_NamingTheLayerAndTheSize(string text, string expected)
    {
        var error = Assert.Throws<ArchitectureException>(() => ArchitectureSpec.Parse(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_RejectsANonPositiveFilterCount()
    {
        var error = Assert.Throws<ArchitectureException>(() => ArchitectureSpec.Parse("cnn", 0));
        Assert.Contains("Filter count 0", error.Message);
    }

    [Fact]
    public void Describe_GivesThePaperCnnShapesAndParameterCounts()
    {
        var spec = ArchitectureSpec.Parse("cnn");
        var layers = spec.Resolve(new ImageShape(3, 32, 32), 10);
        Assert.Equal(new ImageShape(3, 32, 32), layers[0].Output);
        Assert.Equal(3 * 3 * 3 * 3 + 3, layers[0].Parameters);
        Assert.Equal(3 * 32 * 32 * 128 + 128, layers[1].Parameters);
        Assert.Equal(128 * 64 + 64, layers[2].Parameters);
        Assert.Equal(64 * 10 + 10, layers[3].Parameters);
        var text = spec.Describe(new ImageShape(3, 32, 32), 10);
        Assert.Contains("conv3k3s1p1", text);
        Assert.Contains("3x32x32", text);
        Assert.Contains($"total parameters: {84 + 393344 + 8256 + 650}", text);
    }

    [Fact]
    public void Describe_GivesTheDnnAndCnn2ParameterCounts()
    {
        var dnn = ArchitectureSpec.Parse("dnn").Resolve(new ImageShape(1, 28, 28), 10);
        Assert.Equal(new long[] { 784 * 128 + 128, 128 * 128 + 128, 128 * 64 + 64, 64 * 10 + 10 }, dnn.Select(l => l.Parameters));

        var cnn2 = ArchitectureSpec.Parse("cnn2").Resolve(new ImageShape(3, 32, 32), 10);
        Assert.Equal(
            [new(5, 32, 32), new(5, 16, 16), new(3, 16, 16), new(3, 8, 8), new(128, 1, 1), new(64, 1, 1), new ImageShape(10, 1, 1)],
            cnn2.Select(l => l.Output));
        Assert.Equal(new long[] { 5 * 75 + 5, 0, 3 * 45 + 3, 0, 192 * 128 + 128, 128 * 64 + 64, 650 }, cnn2.Select(l => l.Parameters));
        Assert.Contains("max-pool 2x2 stride 2", ArchitectureSpec.Parse("cnn2").Describe(new ImageShape(3, 32, 32), 10));
    }

    [Theory]
    [InlineData("conv3k5", 4, "Layer 1 'conv3k5s1p0' (conv 3 filters 5x5 stride 1 pad 0) on input 1x4x4: the 5x5 filter is larger than the 4x4 input plus padding 0")]
    [InlineData("pool2-pool2-pool2", 4, "Layer 3 'pool2s2' (max-pool 2x2 stride 2) on input 1x1x1: the 2x2 window is larger than the 1x1 input")]
    [InlineData("cnn2", 3, "Layer 4 'pool2s2' (max-pool 2x2 stride 2) on input 3x1x1")]
    public void Describe_RejectsASpatialSizeBelowOne_NamingTheLayerAndSizes(string text, int side, string expected)
    {
        var spec = ArchitectureSpec.Parse(text);
        var error = Assert.Throws<ArchitectureException>(() => spec.Describe(new ImageShape(1, side, side), 10));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Describe_RejectsFewerThanTwoClasses()
    {
        var error = Assert.Throws<ArchitectureException>(() => ArchitectureSpec.Parse("dnn").Describe(new ImageShape(1, 8, 8), 1));
        Assert.Contains("Class count 1", error.Message);
    }
}
