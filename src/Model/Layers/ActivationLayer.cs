using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;
using Sweep.Model.Training;

namespace Sweep.Model.Layers;

/// <summary>ReLU or ELU(α) applied element-wise after a conv or hidden dense layer.</summary>
internal sealed class ActivationLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;
    private readonly double _alpha;

    public ActivationLayer(ImageShape shape, Activation activation, double alpha)
        : base(shape, shape)
    {
        _activation = activation;
        _alpha = alpha;
    }

    public override void Forward(int batch)
    {
        var count = batch * InputShape.Size;
        if (IsSingle)
        {
            var x = AsSingle(X)[..count];
            var y = AsSingle(Y)[..count];
            if (_activation == Activation.Relu)
            {
                ActivationKernels.ReluForward(x, y);
            }
            else
            {
                ActivationKernels.EluForward(x, (float)_alpha, y);
            }
        }
        else if (_activation == Activation.Relu)
        {
            ActivationKernels.ReluForwardReference<T>(X.AsSpan(0, count), Y);
        }
        else
        {
            ActivationKernels.EluForwardReference<T>(X.AsSpan(0, count), T.CreateTruncating(_alpha), Y);
        }
    }

    public override void Backward(int batch)
    {
        if (DX is null)
        {
            return;
        }
        var count = batch * InputShape.Size;
        if (IsSingle)
        {
            var dy = AsSingle(DY)[..count];
            var dx = AsSingle(DX)[..count];
            if (_activation == Activation.Relu)
            {
                ActivationKernels.ReluBackward(AsSingle(Y)[..count], dy, dx);
            }
            else
            {
                ActivationKernels.EluBackward(AsSingle(X)[..count], AsSingle(Y)[..count], dy, (float)_alpha, dx);
            }
        }
        else if (_activation == Activation.Relu)
        {
            ActivationKernels.ReluBackwardReference<T>(X.AsSpan(0, count), DY, DX);
        }
        else
        {
            ActivationKernels.EluBackwardReference<T>(X.AsSpan(0, count), DY, T.CreateTruncating(_alpha), DX);
        }
    }
}
