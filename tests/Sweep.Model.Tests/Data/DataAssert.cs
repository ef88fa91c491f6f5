using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

internal static class DataAssert
{
    /// <summary>Asserts a <see cref="DatasetException"/> whose message contains every fragment.</summary>
    public static DatasetException Fails(Action action, params string[] fragments)
    {
        var error = Assert.Throws<DatasetException>(action);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
        return error;
    }

    /// <summary>The float a pixel becomes after an 8-bit round trip through a file.</summary>
    public static float Quantised(float value) => PixelScale.ToUnit(PixelScale.ToByte(value));

    /// <summary>Asserts the loaded split equals the generated one after 8-bit quantisation.</summary>
    public static void SameAfterQuantisation(Dataset generated, Dataset loaded)
    {
        Assert.Equal(generated.Shape, loaded.Shape);
        Assert.Equal(generated.Labels, loaded.Labels);
        Assert.Equal(generated.Images.Select(Quantised).ToArray(), loaded.Images);
    }

    /// <summary>Grey (BT.601) version of an RGB dataset, quantised, as the MNIST writer stores it.</summary>
    public static float[] QuantisedGrey(Dataset rgb)
    {
        var plane = rgb.Shape.Height * rgb.Shape.Width;
        var grey = new float[rgb.Count * plane];
        for (var n = 0; n < rgb.Count; n++)
        {
            var image = rgb.Image(n);
            for (var p = 0; p < plane; p++)
            {
                grey[n * plane + p] = Quantised(PixelScale.Grey(image[p], image[plane + p], image[2 * plane + p]));
            }
        }
        return grey;
    }
}
