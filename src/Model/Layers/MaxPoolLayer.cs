using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>Max-pooling layer; remembers the arg-max of each window for the backward pass. Images are split
/// across workers; each input plane belongs to one image, so any split gives the same bits.</summary>
internal sealed class MaxPoolLayer<T> : BatchSplitLayer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolGeometry _geometry;
    private int[] _argMax = [];

    public MaxPoolLayer(PoolGeometry geometry, Workers workers)
        : base(new ImageShape(geometry.Channels, geometry.Height, geometry.Width), new ImageShape(geometry.Channels, geometry.OutHeight, geometry.OutWidth), workers)
    {
        _geometry = geometry;
    }

    public void Reserve(int capacity)
    {
        _argMax = new int[capacity * _geometry.OutputSize];
    }

    public override void Forward(int batch)
    {
        if (!IsSingle)
        {
            MaxPoolKernels.ForwardReference<T>(X, _geometry, batch, Y);
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
            MaxPoolKernels.BackwardReference<T>(X, DY, _geometry, batch, DX);
        }
        else
        {
            BackwardSplit(batch);
        }
    }

    protected override void ForwardImages(int worker, int start, int end)
    {
        var g = _geometry;
        MaxPoolKernels.Forward(
            AsSingle(X).Slice(start * g.InputSize),
            g,
            end - start,
            AsSingle(Y).Slice(start * g.OutputSize),
            _argMax.AsSpan(start * g.OutputSize));
    }

    protected override void BackwardImages(int worker, int start, int end)
    {
        var g = _geometry;
        MaxPoolKernels.Backward(
            AsSingle(DY).Slice(start * g.OutputSize),
            _argMax.AsSpan(start * g.OutputSize),
            g,
            end - start,
            AsSingle(DX!).Slice(start * g.InputSize));
    }
}
