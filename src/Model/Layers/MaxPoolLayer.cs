using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>Max-pooling layer; remembers the arg-max of each window for the backward pass.</summary>
internal sealed class MaxPoolLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolGeometry _geometry;
    private int[] _argMax = [];

    public MaxPoolLayer(PoolGeometry geometry)
        : base(new ImageShape(geometry.Channels, geometry.Height, geometry.Width), new ImageShape(geometry.Channels, geometry.OutHeight, geometry.OutWidth))
    {
        _geometry = geometry;
    }

    public void Reserve(int capacity)
    {
        _argMax = new int[capacity * _geometry.OutputSize];
    }

    public override void Forward(int batch)
    {
        if (IsSingle)
        {
            MaxPoolKernels.Forward(AsSingle(X), _geometry, batch, AsSingle(Y), _argMax);
        }
        else
        {
            MaxPoolKernels.ForwardReference<T>(X, _geometry, batch, Y);
        }
    }

    public override void Backward(int batch)
    {
        if (DX is null)
        {
            return;
        }
        if (IsSingle)
        {
            MaxPoolKernels.Backward(AsSingle(DY), _argMax, _geometry, batch, AsSingle(DX));
        }
        else
        {
            MaxPoolKernels.BackwardReference<T>(X, DY, _geometry, batch, DX);
        }
    }
}
