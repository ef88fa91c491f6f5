using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Model.Training;

/// <summary>
/// The default checkpoint interval: every <see cref="Minimum"/> steps, or less often for a network whose
/// checkpoint is large beside its compute, so that writing checkpoints costs every network about the same small
/// share of its training.
/// <para>Between two checkpoints a trial trains at least <see cref="FlopsPerByte"/> floating-point operations for
/// each byte the checkpoint holds (<see cref="ArchitectureSpec.FlopsPerImage"/> × batch per step; 12 bytes per
/// parameter). At the engine's 45–70 GFLOP/s on one thread that is about a second of training per MiB, against
/// the 12–25 ms a MiB that PostgreSQL took to store it on a 2-core VM (the slower backend; bench/README.md, checkpoint cost):
/// under 2 %. A crash then redoes at most about a second of training per MiB of checkpoint.</para>
/// <para>A function of the architecture, the input shape and the batch alone, so a trial checkpoints at the same
/// steps on every machine, and a resumed trial keeps the interval it started with (the checkpoint records it).
/// Where the checkpoints fall never changes the result.</para>
/// </summary>
public static class CheckpointInterval
{
    /// <summary>The fewest steps between two default checkpoints, and the unit the interval is rounded up to.</summary>
    public const int Minimum = 500;

    /// <summary>Training FLOPs between two default checkpoints, per byte of checkpoint.</summary>
    public const long FlopsPerByte = 1 << 16;

    /// <summary>The parameter, its first and its second moment, as float32.</summary>
    private const long BytesPerParameter = 3 * sizeof(float);

    /// <summary>
    /// Steps between two checkpoints for <paramref name="architecture"/> on <paramref name="input"/> images of
    /// <paramref name="classes"/> classes at <paramref name="batchSize"/> images a step: a multiple of
    /// <see cref="Minimum"/>, at least <see cref="Minimum"/>. Throws <see cref="ArchitectureException"/> where the
    /// architecture does not fit the input.
    /// </summary>
    public static int Default(ArchitectureSpec architecture, ImageShape input, int classes, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var bytes = (double)architecture.ParameterCount(input, classes) * BytesPerParameter;
        var flopsPerStep = (double)architecture.FlopsPerImage(input, classes).Train * batchSize;
        var steps = Math.Ceiling(FlopsPerByte * bytes / Math.Max(flopsPerStep, 1) / Minimum) * Minimum;
        return (int)Math.Clamp(steps, Minimum, int.MaxValue / Minimum * Minimum);
    }
}
