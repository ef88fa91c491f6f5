using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;
using Sweep.Model.Layers;
using Sweep.Model.Training;

namespace Sweep.Model.Networks;

/// <summary>
/// A network built from an <see cref="ArchitectureSpec"/>: its layers, one flat parameter array (and gradient
/// array of the same layout), and activation buffers for up to <see cref="Capacity"/> images, allocated once.
/// </summary>
/// <typeparam name="T">float for training; double for gradient checks (scalar reference kernels).</typeparam>
internal sealed class Network<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Layer<T>[] _layers;
    private readonly T[][] _activations;
    private readonly T[][] _gradients;
    private readonly int[] _parameterOffsets;
    private readonly Workers _workers;

    /// <param name="threads">Threads the passes use at first.</param>
    /// <param name="maxThreads">The most threads <see cref="Threads"/> may later be set to (at least <paramref name="threads"/>).</param>
    public Network(ArchitectureSpec architecture, ImageShape input, int classes, int capacity, Activation activation, double eluAlpha, int threads, int maxThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Classes = classes;
        Capacity = capacity;
        var workers = _workers = new Workers(threads, maxThreads);
        var layers = new List<Layer<T>>();
        var resolved = architecture.Resolve(input, classes);
        foreach (var r in resolved)
        {
            var shape = r.Input;
            switch (r.Spec?.Kind)
            {
                case LayerKind.Convolution:
                    // ReLU is fused into the conv (no separate pass over its activations); ELU keeps its own layer.
                    var fused = activation == Activation.Relu;
                    var conv = new Conv2dLayer<T>(new Conv2dGeometry(shape.Channels, shape.Height, shape.Width, r.Spec.Size, r.Spec.Kernel, r.Spec.Stride, r.Spec.Padding), fused, workers);
                    conv.Reserve(capacity);
                    layers.Add(conv);
                    if (!fused)
                    {
                        layers.Add(new ActivationLayer<T>(conv.OutputShape, activation, eluAlpha, workers));
                    }
                    break;
                case LayerKind.MaxPool:
                    var pool = new MaxPoolLayer<T>(new PoolGeometry(shape.Channels, shape.Height, shape.Width, r.Spec.Size, r.Spec.Stride), workers);
                    pool.Reserve(capacity);
                    layers.Add(pool);
                    break;
                case LayerKind.Dense:
                    var dense = new DenseLayer<T>(shape, r.Spec.Size, workers);
                    layers.Add(dense);
                    layers.Add(new ActivationLayer<T>(dense.OutputShape, activation, eluAlpha, workers));
                    break;
                default:
                    layers.Add(new DenseLayer<T>(shape, classes, workers));
                    break;
            }
        }
        _layers = [.. layers];
        _parameterOffsets = new int[_layers.Length];
        var total = 0;
        for (var i = 0; i < _layers.Length; i++)
        {
            _parameterOffsets[i] = total;
            total += _layers[i].ParameterCount;
        }
        Parameters = new T[total];
        ParameterGradients = new T[total];
        _activations = new T[_layers.Length + 1][];
        _gradients = new T[_layers.Length + 1][];
        _activations[0] = new T[capacity * input.Size];
        for (var i = 0; i < _layers.Length; i++)
        {
            _activations[i + 1] = new T[capacity * _layers[i].OutputShape.Size];
            _gradients[i + 1] = new T[capacity * _layers[i].OutputShape.Size];
        }
        for (var i = 0; i < _layers.Length; i++)
        {
            _layers[i].Bind(Parameters, ParameterGradients, _parameterOffsets[i], _activations[i], _activations[i + 1], i == 0 ? null : _gradients[i], _gradients[i + 1]);
        }
        Probabilities = new T[capacity * classes];
    }

    public int Classes { get; }

    public int Capacity { get; }

    /// <summary>
    /// Threads the passes use; may change between passes, within [1, the constructor's maxThreads]. Results do not
    /// depend on it.
    /// </summary>
    public int Threads
    {
        get => _workers.Count;
        set => _workers.Resize(value);
    }

    /// <summary>All weights and biases, layer by layer, weights before biases.</summary>
    public T[] Parameters { get; }

    /// <summary>Same layout as <see cref="Parameters"/>; written by <see cref="Backward"/>.</summary>
    public T[] ParameterGradients { get; }

    /// <summary>Shape: [Capacity, C, H, W]. Fill the first batch images before <see cref="Forward"/>.</summary>
    public Span<T> Input => _activations[0];

    /// <summary>Shape: [Capacity, classes]; the softmax output of the last <see cref="Forward"/>.</summary>
    public T[] Probabilities { get; }

    /// <summary>He normal initialisation (eqs. 37–39): weights ~ N(0, sqrt(2 / fan_in)), biases 0.</summary>
    public void InitializeHe(RandomGenerator random)
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            var slice = Parameters.AsSpan(_parameterOffsets[i], layer.ParameterCount);
            slice.Clear();
            if (layer.WeightCount == 0)
            {
                continue;
            }
            var deviation = Math.Sqrt(2.0 / layer.FanIn);
            for (var w = 0; w < layer.WeightCount; w++)
            {
                slice[w] = T.CreateTruncating(random.NextGaussian() * deviation);
            }
        }
    }

    /// <summary>Forward pass of the first <paramref name="batch"/> images of <see cref="Input"/>, then softmax
    /// and cross-entropy against <paramref name="labels"/>.</summary>
    /// <returns>The batch cost (eq. 17, 1/N) and the number of correct arg-max predictions.</returns>
    public (double Cost, int Correct) Forward(ReadOnlySpan<int> labels, int batch)
    {
        if ((uint)batch > (uint)Capacity || labels.Length < batch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch must lie in [0, {Capacity}] with a label per image.");
        }
        foreach (var layer in _layers)
        {
            layer.Forward(batch);
        }
        return SoftmaxCrossEntropyKernels.Forward<T>(_activations[^1], labels, batch, Classes, Probabilities);
    }

    /// <summary>Back-propagates the cost of the last <see cref="Forward"/> into <see cref="ParameterGradients"/>,
    /// replacing whatever they held. The single-precision layers overwrite every gradient they produce, so a step
    /// spends no pass on zeroing; the double-precision references accumulate, so their buffers are zeroed here.</summary>
    public void Backward(ReadOnlySpan<int> labels, int batch)
    {
        if (typeof(T) != typeof(float))
        {
            ParameterGradients.AsSpan().Clear();
            for (var i = 1; i < _gradients.Length; i++)
            {
                _gradients[i].AsSpan(0, batch * _layers[i - 1].OutputShape.Size).Clear();
            }
        }
        SoftmaxCrossEntropyKernels.Backward<T>(Probabilities, labels, batch, Classes, _gradients[^1]);
        for (var i = _layers.Length - 1; i >= 0; i--)
        {
            _layers[i].Backward(batch);
        }
    }

    /// <summary>The layers in forward order (for the benchmark's per-layer profile).</summary>
    internal IReadOnlyList<Layer<T>> Layers => _layers;
}
