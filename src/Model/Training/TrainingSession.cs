using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Sweep.Model.Data;
using Sweep.Model.Metrics;
using Sweep.Model.Networks;
using Sweep.Model.Optimizers;

namespace Sweep.Model.Training;

/// <summary>
/// One training run: network, optimiser, random generator, dev split and learning curve. A pure function of
/// (architecture, options, data): <see cref="Run"/> after <see cref="Resume"/> from any checkpoint gives the same
/// bits as an uninterrupted run. CONTRACT (owned by the engine work, issue 2).
/// </summary>
/// <remarks>
/// <para>Dev split: a Fisher–Yates shuffle of the training indices seeded by <see cref="TrainingOptions.Seed"/>;
/// its first <see cref="TrainingOptions.DevSize"/> indices (sorted) are the dev set, the rest (sorted) the train
/// split. Each step draws <see cref="TrainingOptions.BatchSize"/> train-split indices uniformly with replacement
/// from a xoshiro256** stream of the seed. Dev is evaluated every <see cref="TrainingOptions.EvalEvery"/> steps
/// and at the last step.</para>
/// <para>Final metrics: Train on at most <see cref="TrainMetricsLimit"/> train-split images, evenly spaced
/// (index i·n/limit), Dev on the whole dev split, Test on the whole test set. A diverged run reports the metrics of
/// the weights at its last dev evaluation (or its initial weights) and raises no final checkpoint (there is
/// nothing to resume); a cancelled run reports no metrics, only its curve, and raises a checkpoint to resume from.
/// A completed run raises a final checkpoint too. Bit-for-bit results hold on one machine: the kernels chosen
/// (AVX-512 or not) depend on the CPU. <see cref="TrainingResult.WallSeconds"/> is the time of this
/// <see cref="Run"/> call.</para>
/// </remarks>
public sealed class TrainingSession
{
    /// <summary>Most train-split images the final Train metrics are computed on.</summary>
    public const int TrainMetricsLimit = 10_000;

    private const int EvaluationBatch = 256;
    private const ulong BatchStream = 1;
    private const ulong InitStream = 2;
    private const ulong SplitStream = 3;

    private readonly ArchitectureSpec _architecture;
    private readonly TrainingOptions _options;
    private readonly DatasetPair _data;
    private readonly Network<float> _network;
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly float[] _lastGood;
    // The dataset's fingerprint in every checkpoint: hashed once, on the first checkpoint, as the data never changes.
    private ulong? _fingerprint;
    private readonly int[] _devIndices;
    private readonly int[] _trainIndices;
    private readonly int[] _labels;
    private readonly List<CurvePoint> _curve;
    private RandomGenerator _random;
    private int _step;
    private bool _stopped;
    private double _bestDev = double.NegativeInfinity;
    private int _evaluationsWithoutImprovement;
    private double _lastDevAccuracy = double.NaN;

    private TrainingSession(ArchitectureSpec architecture, TrainingOptions options, DatasetPair data)
    {
        _architecture = architecture;
        _options = options;
        _data = data;
        _network = new Network<float>(
            architecture,
            data.Train.Shape,
            data.Train.Classes,
            Math.Max(options.BatchSize, EvaluationBatch),
            options.Activation,
            options.EluAlpha,
            options.Threads,
            Math.Max(options.Threads, Environment.ProcessorCount));
        var count = _network.Parameters.Length;
        _firstMoment = new float[count];
        _secondMoment = new float[count];
        _lastGood = new float[count];
        _labels = new int[_network.Capacity];
        _curve = new List<CurvePoint>(Math.Min(options.Steps, 100_000));
        (_devIndices, _trainIndices) = SplitDev(data.Train.Count, options);
        _random = new RandomGenerator(options.Seed, BatchStream);
    }

    /// <summary>Optimiser steps taken so far.</summary>
    public int Step => _step;

    /// <summary>A fresh run (He init from the seed, dev split drawn from the seed).</summary>
    public static TrainingSession Create(ArchitectureSpec architecture, TrainingOptions options, DatasetPair data)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        Validate(options, data);
        var session = new TrainingSession(architecture, options, data);
        session._network.InitializeHe(new RandomGenerator(options.Seed, InitStream));
        session._network.Parameters.CopyTo(session._lastGood, 0);
        return session;
    }

    /// <summary>Continues a run from checkpoint bytes; throws <see cref="CheckpointException"/>.</summary>
    public static TrainingSession Resume(ReadOnlySpan<byte> checkpoint, DatasetPair data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var payload = CheckpointEnvelope.Open(checkpoint).ToArray();
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        try
        {
            return Read(reader, data);
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointException("Checkpoint payload ends early although its checksum matches: it was written by an incompatible build.");
        }
    }

    /// <summary>Trains until the step budget, early stop, divergence or cancellation (which returns
    /// <see cref="TrialOutcome.Cancelled"/>, not an exception). Runs on the calling thread.</summary>
    /// <param name="stopAt">
    /// A step below the budget to pause at (a search rung): the run stops there with <see cref="TrialOutcome.Paused"/>,
    /// its curve and no final metrics, after raising a checkpoint at that step (unless it resumed right there).
    /// Resuming from that checkpoint continues exactly as if the run had never stopped. An early stop or a
    /// divergence before the step ends the run as usual.
    /// </param>
    public TrainingResult Run(TrainingCallbacks? callbacks, CancellationToken cancellationToken, int? stopAt = null)
    {
        var clock = Stopwatch.StartNew();
        var outcome = TrialOutcome.Completed;
        var stepsThisRun = 0;
        var progressEvery = Math.Max(1, callbacks?.ProgressEvery ?? 1);
        while (!_stopped && _step < _options.Steps)
        {
            if (stopAt is { } pause && _step >= pause)
            {
                if (stepsThisRun > 0)
                {
                    callbacks?.Checkpoint?.Invoke(_step, CreateCheckpoint());
                }
                return new TrainingResult(TrialOutcome.Paused, _step, [.. _curve], null, null, null, null, null, clock.Elapsed.TotalSeconds);
            }
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = TrialOutcome.Cancelled;
                break;
            }
            if (callbacks?.Threads is { } threads)
            {
                _network.Threads = threads();
            }
            var (cost, accuracy) = TrainStep();
            if (!double.IsFinite(cost))
            {
                outcome = TrialOutcome.Diverged;
                break;
            }
            _step++;
            stepsThisRun++;
            var dev = double.NaN;
            var evaluated = _step % _options.EvalEvery == 0 || _step == _options.Steps;
            if (evaluated)
            {
                dev = EvaluateDev();
                if (AllFinite(_network.Parameters))
                {
                    _network.Parameters.CopyTo(_lastGood, 0);
                }
            }
            _curve.Add(new CurvePoint(_step, cost, accuracy, dev));
            if (callbacks?.Progress is { } progress && (evaluated || _step % progressEvery == 0))
            {
                var rate = stepsThisRun * (double)_options.BatchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                progress(new TrainingProgress(_step, _options.Steps, cost, accuracy, _lastDevAccuracy, rate));
            }
            if (callbacks?.Checkpoint is { } checkpoint && _options.CheckpointEvery > 0 && _step % _options.CheckpointEvery == 0
                && !_stopped && _step < _options.Steps)
            {
                checkpoint(_step, CreateCheckpoint());
            }
        }
        if (outcome == TrialOutcome.Completed && !AllFinite(_network.Parameters))
        {
            outcome = TrialOutcome.Diverged;
        }
        if (outcome == TrialOutcome.Cancelled)
        {
            callbacks?.Checkpoint?.Invoke(_step, CreateCheckpoint());
            return new TrainingResult(outcome, _step, [.. _curve], null, null, null, null, null, clock.Elapsed.TotalSeconds);
        }
        if (outcome == TrialOutcome.Diverged)
        {
            _lastGood.CopyTo(_network.Parameters, 0);
        }
        else if ((callbacks?.FinalCheckpoint ?? callbacks?.Checkpoint) is { } final)
        {
            final(_step, CreateCheckpoint());
        }
        return Evaluated(outcome, clock);
    }

    /// <summary>
    /// Ends the run where it stands, without training: the final metrics of the weights at <see cref="Step"/>
    /// (a trial stopped at a rung keeps these), as <see cref="TrialOutcome.Completed"/> would report them.
    /// </summary>
    public TrainingResult Conclude() => Evaluated(TrialOutcome.Completed, Stopwatch.StartNew());

    private TrainingResult Evaluated(TrialOutcome outcome, Stopwatch clock)
    {
        var (_, train) = Evaluate(_data.Train, EvenlySpaced(_trainIndices, TrainMetricsLimit), withPredictions: true);
        var (_, devPredictions) = _devIndices.Length > 0 ? Evaluate(_data.Train, _devIndices, withPredictions: true) : (double.NaN, null);
        var (_, testPredictions) = Evaluate(_data.Test, null, withPredictions: true);
        return new TrainingResult(
            outcome,
            _step,
            [.. _curve],
            MetricsCalculator.Evaluate(train!),
            devPredictions is null ? null : MetricsCalculator.Evaluate(devPredictions),
            MetricsCalculator.Evaluate(testPredictions!),
            devPredictions,
            testPredictions,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>The full state (weights, moments, step, generator state, curve) in the versioned binary format.</summary>
    public byte[] CreateCheckpoint()
    {
        // The last good weights equal the current ones whenever the checkpoint falls on a dev evaluation (the usual
        // case): a flag then replaces the copy. Compared as bytes, so that -0 and +0 stay distinct. Once, not on
        // each of Seal's two passes.
        var lastGoodIsCurrent = MemoryMarshal.AsBytes(_lastGood.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(_network.Parameters.AsSpan()));
        return CheckpointEnvelope.Seal(w => Write(w, lastGoodIsCurrent));
    }

    /// <summary>The current weights (for tests and tools), layer by layer.</summary>
    internal ReadOnlySpan<float> Parameters => _network.Parameters;

    /// <summary>One optimiser step: draw a batch with replacement, forward, and (if the cost is finite) backward
    /// and update. Returns the batch cost and accuracy before the update.</summary>
    private (double Cost, double Accuracy) TrainStep()
    {
        var batch = _options.BatchSize;
        var train = _data.Train;
        var size = train.Shape.Size;
        var input = _network.Input;
        for (var b = 0; b < batch; b++)
        {
            var index = _trainIndices[_random.NextInt(_trainIndices.Length)];
            train.Image(index).CopyTo(input.Slice(b * size, size));
            _labels[b] = train.Labels[index];
        }
        var (cost, correct) = _network.Forward(_labels, batch);
        if (!double.IsFinite(cost))
        {
            return (cost, correct / (double)batch);
        }
        _network.Backward(_labels, batch);
        if (_options.Optimizer == OptimizerKind.Adam)
        {
            OptimizerKernels.AdamStep(
                _network.ParameterGradients,
                _step + 1,
                _options.LearningRate,
                _options.Beta1,
                _options.Beta2,
                _options.Epsilon,
                _network.Parameters,
                _firstMoment,
                _secondMoment);
        }
        else
        {
            OptimizerKernels.SgdStep(_network.ParameterGradients, _options.LearningRate, _network.Parameters);
        }
        return (cost, correct / (double)batch);
    }

    /// <summary>Evaluates the dev split and updates the early-stopping state (nothing without a dev split).</summary>
    private double EvaluateDev()
    {
        if (_devIndices.Length == 0)
        {
            return double.NaN;
        }
        var (accuracy, _) = Evaluate(_data.Train, _devIndices, withPredictions: false);
        _lastDevAccuracy = accuracy;
        if (accuracy > _bestDev + _options.MinDelta)
        {
            _bestDev = accuracy;
            _evaluationsWithoutImprovement = 0;
        }
        else
        {
            _evaluationsWithoutImprovement++;
        }
        if (_options.Patience > 0 && _evaluationsWithoutImprovement >= _options.Patience)
        {
            _stopped = true;
        }
        return accuracy;
    }

    /// <summary>Runs the network over <paramref name="indices"/> of <paramref name="set"/> (all of it when null)
    /// in batches; returns the accuracy and, if asked, the per-image probabilities.</summary>
    private (double Accuracy, Predictions? Predictions) Evaluate(Dataset set, int[]? indices, bool withPredictions)
    {
        var count = indices?.Length ?? set.Count;
        var classes = _network.Classes;
        var size = set.Shape.Size;
        var labels = withPredictions ? new int[count] : null;
        var probabilities = withPredictions ? new float[count * classes] : null;
        var correct = 0;
        var input = _network.Input;
        for (var start = 0; start < count; start += _network.Capacity)
        {
            var batch = Math.Min(_network.Capacity, count - start);
            for (var b = 0; b < batch; b++)
            {
                var index = indices?[start + b] ?? start + b;
                set.Image(index).CopyTo(input.Slice(b * size, size));
                _labels[b] = set.Labels[index];
            }
            correct += _network.Forward(_labels, batch).Correct;
            if (withPredictions)
            {
                _labels.AsSpan(0, batch).CopyTo(labels.AsSpan(start));
                _network.Probabilities.AsSpan(0, batch * classes).CopyTo(probabilities.AsSpan(start * classes));
            }
        }
        var predictions = withPredictions ? new Predictions(classes, labels!, probabilities!) : null;
        return (count == 0 ? double.NaN : correct / (double)count, predictions);
    }

    private static int[] EvenlySpaced(int[] indices, int limit)
    {
        if (indices.Length <= limit)
        {
            return indices;
        }
        var result = new int[limit];
        for (var i = 0; i < limit; i++)
        {
            result[i] = indices[(int)((long)i * indices.Length / limit)];
        }
        return result;
    }

    private static (int[] Dev, int[] Train) SplitDev(int count, TrainingOptions options)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }
        var random = new RandomGenerator(options.Seed, SplitStream);
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var dev = order[..options.DevSize];
        var train = order[options.DevSize..];
        Array.Sort(dev);
        Array.Sort(train);
        return (dev, train);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }

    private static void Validate(TrainingOptions o, DatasetPair data)
    {
        if (data.Train.Shape != data.Test.Shape || data.Train.Classes != data.Test.Classes)
        {
            throw new ArgumentException(
                $"Train set '{data.Train.Name}' ({data.Train.Shape}, {data.Train.Classes} classes) and test set '{data.Test.Name}' ({data.Test.Shape}, {data.Test.Classes} classes) must have the same image shape and class count.",
                nameof(data));
        }
        Require(double.IsFinite(o.LearningRate) && o.LearningRate > 0, nameof(o.LearningRate), o.LearningRate, "a finite number > 0");
        Require(o.BatchSize >= 1, nameof(o.BatchSize), o.BatchSize, "at least 1");
        Require(o.Steps >= 0, nameof(o.Steps), o.Steps, "at least 0");
        Require(o.EvalEvery >= 1, nameof(o.EvalEvery), o.EvalEvery, "at least 1");
        Require(o.DevSize >= 0 && o.DevSize < data.Train.Count, nameof(o.DevSize), o.DevSize, $"in [0, {data.Train.Count - 1}] (the training set has {data.Train.Count} images and needs at least one left to train on)");
        Require(o.Patience >= 0, nameof(o.Patience), o.Patience, "at least 0 (0 disables early stopping)");
        Require(double.IsFinite(o.MinDelta) && o.MinDelta >= 0, nameof(o.MinDelta), o.MinDelta, "a finite number ≥ 0");
        Require(o.CheckpointEvery >= 0, nameof(o.CheckpointEvery), o.CheckpointEvery, "at least 0 (0 = only at the end)");
        Require(double.IsFinite(o.EluAlpha) && o.EluAlpha > 0, nameof(o.EluAlpha), o.EluAlpha, "a finite number > 0");
        Require(Enum.IsDefined(o.Activation), nameof(o.Activation), o.Activation, "Relu or Elu");
        Require(Enum.IsDefined(o.Optimizer), nameof(o.Optimizer), o.Optimizer, "Adam or Sgd");
        Require(o.Beta1 is >= 0 and < 1, nameof(o.Beta1), o.Beta1, "in [0, 1)");
        Require(o.Beta2 is >= 0 and < 1, nameof(o.Beta2), o.Beta2, "in [0, 1)");
        Require(double.IsFinite(o.Epsilon) && o.Epsilon > 0, nameof(o.Epsilon), o.Epsilon, "a finite number > 0");
        Require(o.Threads is >= 1 and <= 1024, nameof(o.Threads), o.Threads, "in [1, 1024]");
    }

    private static void Require(bool condition, string field, object value, string valid)
    {
        if (!condition)
        {
            throw new ArgumentException($"TrainingOptions.{field} = {value} is not valid: it must be {valid}.", field);
        }
    }

    private static ulong Fingerprint(DatasetPair data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(data.Train.Labels.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(data.Test.Labels.AsSpan()));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BitConverter.ToUInt64(digest);
    }

    private void Write(BinaryWriter w, bool lastGoodIsCurrent)
    {
        w.Write(_architecture.Text);
        var shape = _data.Train.Shape;
        w.Write(shape.Channels);
        w.Write(shape.Height);
        w.Write(shape.Width);
        w.Write(_data.Train.Classes);
        w.Write(_data.Train.Count);
        w.Write(_data.Test.Count);
        w.Write(_fingerprint ??= Fingerprint(_data));
        var o = _options;
        w.Write(o.LearningRate);
        w.Write(o.Seed);
        w.Write(o.BatchSize);
        w.Write(o.Steps);
        w.Write(o.EvalEvery);
        w.Write(o.DevSize);
        w.Write(o.Patience);
        w.Write(o.MinDelta);
        w.Write(o.CheckpointEvery);
        w.Write((int)o.Activation);
        w.Write(o.EluAlpha);
        w.Write((int)o.Optimizer);
        w.Write(o.Beta1);
        w.Write(o.Beta2);
        w.Write(o.Epsilon);
        w.Write(o.Threads);
        w.Write(_step);
        w.Write(_stopped);
        w.Write(_bestDev);
        w.Write(_evaluationsWithoutImprovement);
        w.Write(_lastDevAccuracy);
        var (s0, s1, s2, s3) = _random.State;
        w.Write(s0);
        w.Write(s1);
        w.Write(s2);
        w.Write(s3);
        w.Write(_network.Parameters.Length);
        WriteFloats(w, _network.Parameters);
        WriteFloats(w, _firstMoment);
        WriteFloats(w, _secondMoment);
        w.Write(lastGoodIsCurrent);
        if (!lastGoodIsCurrent)
        {
            WriteFloats(w, _lastGood);
        }
        w.Write(_curve.Count);
        foreach (var point in _curve)
        {
            w.Write(point.Step);
            w.Write(point.BatchCost);
            w.Write(point.BatchAccuracy);
            w.Write(point.DevAccuracy);
        }
    }

    private static TrainingSession Read(BinaryReader r, DatasetPair data)
    {
        var text = r.ReadString();
        ArchitectureSpec architecture;
        try
        {
            architecture = ArchitectureSpec.Parse(text);
        }
        catch (ArchitectureException e)
        {
            throw new CheckpointException($"Checkpoint architecture '{text}' does not parse: {e.Message}");
        }
        var shape = new ImageShape(r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        var classes = r.ReadInt32();
        var trainCount = r.ReadInt32();
        var testCount = r.ReadInt32();
        var fingerprint = r.ReadUInt64();
        if (shape != data.Train.Shape || classes != data.Train.Classes || trainCount != data.Train.Count || testCount != data.Test.Count
            || data.Test.Shape != shape || data.Test.Classes != classes)
        {
            throw new CheckpointException(
                $"Checkpoint was made for {shape} images, {classes} classes, {trainCount} train / {testCount} test images; "
                + $"the data given has {data.Train.Shape} images, {data.Train.Classes} classes, {data.Train.Count} train / {data.Test.Count} test images.");
        }
        if (fingerprint != Fingerprint(data))
        {
            throw new CheckpointException(
                $"Checkpoint was made for other data of the same shape ({shape}, {trainCount} train / {testCount} test images): the labels differ.");
        }
        var options = new TrainingOptions
        {
            LearningRate = r.ReadDouble(),
            Seed = r.ReadInt32(),
            BatchSize = r.ReadInt32(),
            Steps = r.ReadInt32(),
            EvalEvery = r.ReadInt32(),
            DevSize = r.ReadInt32(),
            Patience = r.ReadInt32(),
            MinDelta = r.ReadDouble(),
            CheckpointEvery = r.ReadInt32(),
            Activation = (Activation)r.ReadInt32(),
            EluAlpha = r.ReadDouble(),
            Optimizer = (OptimizerKind)r.ReadInt32(),
            Beta1 = r.ReadDouble(),
            Beta2 = r.ReadDouble(),
            Epsilon = r.ReadDouble(),
            Threads = r.ReadInt32(),
        };
        try
        {
            Validate(options, data);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"Checkpoint holds unusable options: {e.Message}");
        }
        var session = new TrainingSession(architecture, options, data)
        {
            _step = r.ReadInt32(),
            _stopped = r.ReadBoolean(),
            _bestDev = r.ReadDouble(),
            _evaluationsWithoutImprovement = r.ReadInt32(),
            _lastDevAccuracy = r.ReadDouble(),
        };
        try
        {
            session._random = RandomGenerator.FromState((r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64()));
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"Checkpoint random-generator state is unusable: {e.Message}");
        }
        var count = r.ReadInt32();
        if (count != session._network.Parameters.Length)
        {
            throw new CheckpointException(
                $"Checkpoint holds {count} parameters but architecture '{text}' on {shape} with {classes} classes has {session._network.Parameters.Length}.");
        }
        ReadFloats(r, session._network.Parameters);
        ReadFloats(r, session._firstMoment);
        ReadFloats(r, session._secondMoment);
        if (r.ReadBoolean())
        {
            session._network.Parameters.CopyTo(session._lastGood, 0);
        }
        else
        {
            ReadFloats(r, session._lastGood);
        }
        var points = r.ReadInt32();
        if (points < 0 || points > session._step)
        {
            throw new CheckpointException($"Checkpoint curve has {points} points for {session._step} steps.");
        }
        for (var i = 0; i < points; i++)
        {
            session._curve.Add(new CurvePoint(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()));
        }
        if (r.BaseStream.Position != r.BaseStream.Length)
        {
            throw new CheckpointException(
                $"Checkpoint payload has {r.BaseStream.Length - r.BaseStream.Position} unread bytes: it was written by an incompatible build.");
        }
        return session;
    }

    /// <summary>
    /// The learning curve stored in checkpoint bytes, read without the dataset or the network (for a live view of a
    /// running trial); throws <see cref="CheckpointException"/>. Skips the fields <see cref="Write"/> puts before it.
    /// </summary>
    public static IReadOnlyList<CurvePoint> ReadCurve(ReadOnlySpan<byte> checkpoint)
    {
        var payload = CheckpointEnvelope.Open(checkpoint).ToArray();
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        try
        {
            r.ReadString();
            r.BaseStream.Seek(6 * sizeof(int) + sizeof(ulong), SeekOrigin.Current);
            // Options: 16 fields, as Write lists them.
            r.BaseStream.Seek(sizeof(double) + 6 * sizeof(int) + sizeof(double) + 2 * sizeof(int) + sizeof(double)
                + sizeof(int) + 3 * sizeof(double) + sizeof(int), SeekOrigin.Current);
            var step = r.ReadInt32();
            r.BaseStream.Seek(sizeof(bool) + sizeof(double) + sizeof(int) + sizeof(double) + 4 * sizeof(ulong), SeekOrigin.Current);
            var count = r.ReadInt32();
            if (count < 0)
            {
                throw new CheckpointException($"Checkpoint declares {count} parameters.");
            }
            r.BaseStream.Seek(3L * count * sizeof(float), SeekOrigin.Current);
            if (!r.ReadBoolean())
            {
                r.BaseStream.Seek((long)count * sizeof(float), SeekOrigin.Current);
            }
            var points = r.ReadInt32();
            if (points < 0 || points > step)
            {
                throw new CheckpointException($"Checkpoint curve has {points} points for {step} steps.");
            }
            var curve = new CurvePoint[points];
            for (var i = 0; i < points; i++)
            {
                curve[i] = new CurvePoint(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            }
            return curve;
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointException("Checkpoint payload ends early although its checksum matches: it was written by an incompatible build.");
        }
    }

    private static void WriteFloats(BinaryWriter w, float[] values) => w.Write(MemoryMarshal.AsBytes(values.AsSpan()));

    private static void ReadFloats(BinaryReader r, float[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length)
        {
            throw new EndOfStreamException();
        }
    }
}
