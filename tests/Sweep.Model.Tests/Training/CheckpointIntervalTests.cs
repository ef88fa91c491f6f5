using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Model.Tests.Training;

public sealed class CheckpointIntervalTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int> Presets => new()
    {
        { "dnn", 3, 32 }, { "cnn(3)", 3, 32 }, { "cnn(32)", 3, 32 }, { "cnn2(5)", 3, 32 },
        { "dnn", 1, 28 }, { "cnn(3)", 1, 28 }, { "cnn(32)", 1, 28 }, { "cnn2(5)", 1, 28 },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Default_IsTheFewestWholeMinimumsThatTrainFlopsPerByteOfCheckpoint(string preset, int channels, int size)
    {
        var architecture = Preset(preset);
        var input = new ImageShape(channels, size, size);
        var steps = CheckpointInterval.Default(architecture, input, classes: 10, batchSize: 128);

        var bytes = 12.0 * architecture.ParameterCount(input, 10);
        var flopsPerStep = 128.0 * architecture.FlopsPerImage(input, 10).Train;
        output.WriteLine($"{preset} {channels}x{size}x{size}: every {steps} steps ({bytes / 1048576:F2} MiB, {flopsPerStep / 1e9:F3} GFLOP a step)");
        Assert.Equal(0, steps % CheckpointInterval.Minimum);
        Assert.True(steps >= CheckpointInterval.Minimum);
        Assert.True(steps * flopsPerStep >= CheckpointInterval.FlopsPerByte * bytes, "the interval trains fewer FLOPs than the rule asks");
        Assert.True(steps == CheckpointInterval.Minimum || (steps - CheckpointInterval.Minimum) * flopsPerStep < CheckpointInterval.FlopsPerByte * bytes,
            "a shorter interval would have met the rule");
    }

    [Fact]
    public void Default_GrowsWithTheCheckpoint_AndStaysAtTheMinimumForConvolutions()
    {
        var input = new ImageShape(3, 32, 32);
        // Dense layers hold 12 bytes of checkpoint per 2·3 FLOPs an image, so the dense network checkpoints less
        // often; cnn2's convolutions train many FLOPs for few parameters.
        Assert.True(CheckpointInterval.Default(Preset("dnn"), input, 10, 128) > CheckpointInterval.Minimum);
        Assert.Equal(CheckpointInterval.Minimum, CheckpointInterval.Default(Preset("cnn2(5)"), input, 10, 128));
        // A smaller batch trains fewer FLOPs a step, so more steps between checkpoints.
        Assert.True(CheckpointInterval.Default(Preset("dnn"), input, 10, 16) > CheckpointInterval.Default(Preset("dnn"), input, 10, 128));
    }

    [Fact]
    public void ParameterCount_IsTheNetworksAndTheCheckpointHoldsThreeFloatsForEach()
    {
        var data = PatternData.Create(new ImageShape(1, 8, 8), 300, 50, seed: 2);
        var architecture = ArchitectureSpec.Parse("conv2k3s1p1-dense8");
        var session = TrainingSession.Create(architecture, new TrainingOptions { Seed = 3, BatchSize = 8, Steps = 0, DevSize = 50 }, data);
        var parameters = architecture.ParameterCount(data.Train.Shape, data.Train.Classes);

        // conv2k3 on 1 channel: 2·9 + 2; dense8 on 2x8x8: 128·8 + 8; output on 8: 8·4 + 4.
        Assert.Equal(2 * 9 + 2 + 128 * 8 + 8 + 8 * 4 + 4, parameters);
        // The rest of the checkpoint (header, options, curve) is small beside the three arrays.
        var length = session.CreateCheckpoint().Length;
        Assert.InRange(length - 12 * parameters, 0, 1024);
    }

    [Fact]
    public void Default_RejectsAnArchitectureThatDoesNotFit_AndAnEmptyBatch()
    {
        Assert.Throws<ArchitectureException>(() => CheckpointInterval.Default(ArchitectureSpec.Parse("conv2k5"), new ImageShape(1, 3, 3), 10, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckpointInterval.Default(Preset("dnn"), new ImageShape(1, 28, 28), 10, 0));
    }

    private static ArchitectureSpec Preset(string text)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        return open < 0
            ? ArchitectureSpec.Parse(text)
            : ArchitectureSpec.Parse(text[..open], int.Parse(text[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
