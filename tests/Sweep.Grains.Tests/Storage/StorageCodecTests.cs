using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Model.Training;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The binary encodings both backends share.</summary>
public sealed class StorageCodecTests
{
    [Fact]
    public void Curve_RoundTripsEveryBitIncludingSpecialValues()
    {
        CurvePoint[] curve =
        [
            new(0, 2.302585092994046, 0.1, double.NaN),
            new(1, -0.0, double.Epsilon, double.PositiveInfinity),
            new(int.MaxValue, double.MaxValue, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0123), 0.99),
        ];

        var decoded = StorageCodec.DecodeCurve(StorageCodec.EncodeCurve(curve));

        Assert.Equal(curve.Length, decoded.Length);
        for (var i = 0; i < curve.Length; i++)
        {
            Assert.Equal(curve[i].Step, decoded[i].Step);
            Assert.Equal(BitConverter.DoubleToInt64Bits(curve[i].BatchCost), BitConverter.DoubleToInt64Bits(decoded[i].BatchCost));
            Assert.Equal(BitConverter.DoubleToInt64Bits(curve[i].BatchAccuracy), BitConverter.DoubleToInt64Bits(decoded[i].BatchAccuracy));
            Assert.Equal(BitConverter.DoubleToInt64Bits(curve[i].DevAccuracy), BitConverter.DoubleToInt64Bits(decoded[i].DevAccuracy));
        }
    }

    [Fact]
    public void Curve_WithWrongLength_IsRejectedAsMalformed()
    {
        var bytes = StorageCodec.EncodeCurve([new CurvePoint(1, 1, 1, 1), new CurvePoint(2, 2, 2, 2)]);

        var error = Assert.Throws<InvalidDataException>(() => StorageCodec.DecodeCurve(bytes.AsSpan(0, bytes.Length - 1)));

        Assert.Contains("2 points", error.Message);
    }

    [Fact]
    public void Predictions_RoundTripAndRejectMismatchedSizes()
    {
        var predictions = new Predictions(3, [2, 0], [0.1f, 0.2f, 0.7f, 0.5f, 0.25f, 0.25f]);

        var decoded = StorageCodec.DecodePredictions(3, StorageCodec.EncodeLabels(predictions), StorageCodec.EncodeProbabilities(predictions));

        StoreTestData.AssertSame(predictions, decoded);
        Assert.Throws<InvalidDataException>(() => StorageCodec.DecodePredictions(4, StorageCodec.EncodeLabels(predictions), StorageCodec.EncodeProbabilities(predictions)));
        Assert.Throws<ArgumentException>(() => StorageCodec.ValidatePredictions(new Predictions(3, [1, 2], [0.5f]), "test"));
    }

    [Theory]
    [InlineData("sweep-1.mnist.cnn.f16.lr0.001.s3", true)]
    [InlineData("A_b-C.d", true)]
    [InlineData("with/slash", false)]
    [InlineData("back\\slash", false)]
    [InlineData("..", false)]
    [InlineData("ünïcode", false)]
    [InlineData("", false)]
    public void Ids_AreSafeFileNamesOnly(string id, bool valid)
    {
        var error = Record.Exception(() => StorageCodec.ValidateId(id, "trial id"));

        Assert.Equal(valid, error is null);
    }
}
