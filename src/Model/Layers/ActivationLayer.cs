using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;
using Sweep.Model.Training;

namespace Sweep.Model.Layers;

/// <summary>ReLU or ELU(α) applied element-wise after a conv or hidden dense layer; images are split across
/// workers (element-wise, so any split gives the same bits).</summary>
internal sealed class ActivationLayer<T> : BatchSplitLayer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;
    private readonly double _alpha;

    public ActivationLayer(ImageShape shape, Activation activation, double alpha, Workers workers)
        : base(shape, shape, workers)
    {
        _activation = activation;
        _alpha = alpha;
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
        else
        {
            ForwardSplit(batch);
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
        else
        {
            BackwardSplit(batch);
        }
    }

    protected override void ForwardImages(int worker, int start, int end)
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

    protected override void BackwardImages(int worker, int start, int end)
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
