using System.Numerics;
using Sweep.Model.Data;

namespace Sweep.Model.Layers;

/// <summary>
/// One layer of a network: a forward/backward pair over buffers the network owns and binds once. In single
/// precision it runs the vectorised kernels, whose backward passes OVERWRITE the parameter gradients and, when the
/// layer has one, the input gradient: no zeroing pass, and no read of stale values, in a training step. In double
/// precision (gradient checks) it runs the scalar references, which accumulate (+=) as the equations read, into
/// buffers <see cref="Networks.Network{T}.Backward"/> has zeroed.
/// </summary>
/// <typeparam name="T">float for training, double for gradient checks.</typeparam>
internal abstract class Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Layer(ImageShape input, ImageShape output)
    {
        InputShape = input;
        OutputShape = output;
    }

    public ImageShape InputShape { get; }

    public ImageShape OutputShape { get; }

    /// <summary>Weights then biases, in this order inside the layer's parameter slice.</summary>
    public virtual int WeightCount => 0;

    public virtual int BiasCount => 0;

    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>Inputs feeding one output (He init, eqs. 37–39); 0 for layers without weights.</summary>
    public virtual int FanIn => 0;

    /// <summary>Offset of this layer's slice in the network's parameter and gradient arrays.</summary>
    protected int ParameterOffset { get; private set; }

    protected T[] Parameters { get; private set; } = [];

    protected T[] ParameterGradients { get; private set; } = [];

    /// <summary>Shape: [capacity, input].</summary>
    protected T[] X { get; private set; } = [];

    /// <summary>Shape: [capacity, output].</summary>
    protected T[] Y { get; private set; } = [];

    /// <summary>Shape: [capacity, input]; null for the first layer, whose input gradient nobody needs.</summary>
    protected T[]? DX { get; private set; }

    /// <summary>Shape: [capacity, output].</summary>
    protected T[] DY { get; private set; } = [];

    protected static bool IsSingle => typeof(T) == typeof(float);

    public void Bind(T[] parameters, T[] gradients, int offset, T[] x, T[] y, T[]? dx, T[] dy)
    {
        Parameters = parameters;
        ParameterGradients = gradients;
        ParameterOffset = offset;
        X = x;
        Y = y;
        DX = dx;
        DY = dy;
    }

    /// <summary>Computes Y from X for the first <paramref name="batch"/> images.</summary>
    public abstract void Forward(int batch);

    /// <summary>Computes the parameter gradients and DX from DY for the first <paramref name="batch"/> images
    /// (overwritten in single precision, accumulated in double; see the class summary).</summary>
    public abstract void Backward(int batch);

    /// <summary>The layer's parameter slice.</summary>
    protected Span<T> Weights => Parameters.AsSpan(ParameterOffset, WeightCount);

    protected Span<T> Biases => Parameters.AsSpan(ParameterOffset + WeightCount, BiasCount);

    protected Span<T> WeightGradients => ParameterGradients.AsSpan(ParameterOffset, WeightCount);

    protected Span<T> BiasGradients => ParameterGradients.AsSpan(ParameterOffset + WeightCount, BiasCount);

    /// <summary>Reinterprets a buffer as float; only called when <see cref="IsSingle"/>.</summary>
    protected static Span<float> AsSingle(Span<T> span) => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(span);

    protected static Span<float> AsSingle(T[] array) => AsSingle(array.AsSpan());
}
