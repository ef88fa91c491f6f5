using System.Buffers.Binary;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

namespace Sweep.Model.Tests.Training;

public sealed class CheckpointTests
{
    private static readonly DatasetPair Data = PatternData.Create(new ImageShape(1, 8, 8), 300, 50, seed: 2);

    private static byte[] MakeCheckpoint()
    {
        var options = new TrainingOptions { Seed = 3, BatchSize = 8, Steps = 5, EvalEvery = 5, DevSize = 50 };
        var session = TrainingSession.Create(ArchitectureSpec.Parse("conv2k3s1p1-dense8"), options, Data);
        session.Run(null, CancellationToken.None);
        return session.CreateCheckpoint();
    }

    [Fact]
    public void Checkpoint_RoundTripsToTheSameBytes()
    {
        var bytes = MakeCheckpoint();
        var resumed = TrainingSession.Resume(bytes, Data);
        Assert.Equal(5, resumed.Step);
        Assert.Equal(bytes, resumed.CreateCheckpoint());
    }

    [Fact]
    public void CheckpointBetweenDevEvaluations_RoundTripsToTheSameBytes()
    {
        // Step 4 is not an evaluation step (every 3), so the last good weights differ from the current ones and
        // are stored in full.
        var options = new TrainingOptions { Seed = 4, BatchSize = 8, Steps = 5, EvalEvery = 3, DevSize = 50, CheckpointEvery = 4 };
        var checkpoints = new Dictionary<int, byte[]>();
        TrainingSession.Create(ArchitectureSpec.Parse("dense8"), options, Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, bytes) => checkpoints[step] = bytes }, CancellationToken.None);
        var atFour = checkpoints[4];
        Assert.Equal(atFour, TrainingSession.Resume(atFour, Data).CreateCheckpoint());
        // Step 5 (the last, evaluated) stores a flag instead of the copy and one more curve point (4 + 3·8 bytes):
        // dense8 on 1x8x8 with 4 classes has 64·8 + 8 + 8·4 + 4 = 556 parameters.
        Assert.Equal(556 * sizeof(float), atFour.Length - (checkpoints[5].Length - 28));
    }

    [Fact]
    public void ReadCurve_GivesTheCurveOfEachCheckpoint_WithOrWithoutStoredLastGoodWeights()
    {
        var options = new TrainingOptions { Seed = 4, BatchSize = 8, Steps = 5, EvalEvery = 3, DevSize = 50, CheckpointEvery = 4 };
        var checkpoints = new Dictionary<int, byte[]>();
        var result = TrainingSession.Create(ArchitectureSpec.Parse("conv2k3s1p1-dense8"), options, Data)
            .Run(new TrainingCallbacks { Checkpoint = (step, bytes) => checkpoints[step] = bytes }, CancellationToken.None);
        Assert.Equal(result.Curve.Take(4), TrainingSession.ReadCurve(checkpoints[4]));
        Assert.Equal(result.Curve, TrainingSession.ReadCurve(checkpoints[5]));
        Assert.Throws<CheckpointException>(() => TrainingSession.ReadCurve(checkpoints[5].AsSpan(0, 40)));
    }

    [Fact]
    public void Seal_WritesThePayloadInPlace_AndOpenGivesItBack()
    {
        var payload = Enumerable.Range(0, 70_001).Select(i => (byte)(i * 7 + 3)).ToArray();
        var sealedBytes = CheckpointEnvelope.Seal(w => w.Write(payload));
        Assert.Equal(20 + payload.Length + 32, sealedBytes.Length);
        Assert.Equal(payload, CheckpointEnvelope.Open(sealedBytes).ToArray());
    }

    [Fact]
    public void Seal_RejectsAWriterThatWritesDifferentBytesOnItsTwoPasses()
    {
        var passes = 0;
        // Fewer bytes the second time (more would overrun the fixed-size array, which refuses to grow).
        var error = Assert.Throws<InvalidOperationException>(() => CheckpointEnvelope.Seal(w => w.Write(new byte[2 - passes++])));
        Assert.Contains("1 bytes on its second pass, 2 on its first", error.Message);
    }

    [Fact]
    public void CorruptCheckpoint_IsRejectedByItsChecksum()
    {
        var bytes = MakeCheckpoint();
        bytes[bytes.Length / 2] ^= 0x40;
        var error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(bytes, Data));
        Assert.Contains("corrupt", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(-1)]
    public void TruncatedCheckpoint_IsRejected(int keep)
    {
        var bytes = MakeCheckpoint();
        var cut = bytes.AsSpan(0, keep < 0 ? bytes.Length - 1 : keep).ToArray();
        var error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(cut, Data));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void UnknownVersion_IsRejectedNamingTheVersion()
    {
        var bytes = MakeCheckpoint();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 99);
        var error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(bytes, Data));
        Assert.Contains("version 99 is not supported", error.Message);
    }

    [Fact]
    public void ForeignBytes_AreRejectedAsNotACheckpoint()
    {
        var error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume("PK\u0003\u0004 a zip file, not ours"u8, Data));
        Assert.Contains("Not a Sweep checkpoint", error.Message);
    }

    [Fact]
    public void CheckpointForOtherData_IsRejectedNamingBothShapes()
    {
        var bytes = MakeCheckpoint();
        var other = PatternData.Create(new ImageShape(1, 9, 9), 300, 50, seed: 2);
        var error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(bytes, other));
        Assert.Contains("1x8x8", error.Message);
        Assert.Contains("1x9x9", error.Message);

        var relabelled = PatternData.Create(new ImageShape(1, 8, 8), 300, 50, seed: 2, classes: 3);
        error = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(bytes, relabelled));
        Assert.Contains("classes", error.Message);
    }
}
