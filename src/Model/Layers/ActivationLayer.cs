using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;
using Sweep.Model.Training;

namespace Sweep.Model.Layers;

/// <summary>ReLU or ELU(α) applied element-wise after a conv or hidden dense layer; images are split across
/// workers (element-wise, so any split gives the same bits).</summary>
internal sealed class ActivationLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;
    private readonly double _alpha;
    private readonly Workers _workers;

    public ActivationLayer(ImageShape shape, Activation activation, double alpha, Workers workers)
        : base(shape, shape)
    {
        _activation = activation;
        _alpha = alpha;
        _workers = workers;
    }

    public override void Forward(int batch)
    {
        if (!IsSingle)
        {
            var count = batch * InputShape.Size;
            if (_activation == Activation.Relu)
            {
                ActivationKernels.ReluForwardReference<T>(X.AsSpan(0, count), Y);
            }
            else
            {
                ActivationKernels.EluForwardReference<T>(X.AsSpan(0, count), T.CreateTruncating(_alpha), Y);
            }
        }
        else if (_workers.Count == 1)
        {
            ForwardImages(0, batch);
        }
        else
        {
            ForwardParallel(batch);
        }
    }

    public override void Backward(int batch)
    {
        if (DX is null)
        {
            return;
        }
        if (!IsSingle)
        {
            var count = batch * InputShape.Size;
            if (_activation == Activation.Relu)
            {
                ActivationKernels.ReluBackwardReference<T>(X.AsSpan(0, count), DY, DX);
            }
            else
            {
                ActivationKernels.EluBackwardReference<T>(X.AsSpan(0, count), DY, T.CreateTruncating(_alpha), DX);
            }
        }
        else if (_workers.Count == 1)
        {
            BackwardImages(0, batch);
        }
        else
        {
            BackwardParallel(batch);
        }
    }

    // The lambdas live in their own methods: a captured parameter allocates its closure on entry to the
    // method that declares it, and the single-thread path must not allocate.
    private void ForwardParallel(int batch) => _workers.Run(w =>
    {
        var (start, end) = _workers.Range(batch, w);
        ForwardImages(start, end);
    });

    private void BackwardParallel(int batch) => _workers.Run(w =>
    {
        var (start, end) = _workers.Range(batch, w);
        BackwardImages(start, end);
    });

    private void ForwardImages(int start, int end)
    {
        var size = InputShape.Size;
        var x = AsSingle(X).Slice(start * size, (end - start) * size);
        var y = AsSingle(Y).Slice(start * size, (end - start) * size);
        if (_activation == Activation.Relu)
        {
            ActivationKernels.ReluForward(x, y);
        }
        else
        {
            ActivationKernels.EluForward(x, (float)_alpha, y);
        }
    }

    private void BackwardImages(int start, int end)
    {
        var size = InputShape.Size;
        var offset = start * size;
        var count = (end - start) * size;
        var dy = AsSingle(DY).Slice(offset, count);
        var dx = AsSingle(DX!).Slice(offset, count);
        if (_activation == Activation.Relu)
        {
            ActivationKernels.ReluBackward(AsSingle(Y).Slice(offset, count), dy, dx);
        }
        else
        {
            ActivationKernels.EluBackward(AsSingle(X).Slice(offset, count), AsSingle(Y).Slice(offset, count), dy, (float)_alpha, dx);
        }
    }
}
