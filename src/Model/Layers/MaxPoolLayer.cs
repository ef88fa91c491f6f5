using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>Max-pooling layer; remembers the arg-max of each window for the backward pass. Images are split
/// across workers; each input plane belongs to one image, so any split gives the same bits.</summary>
internal sealed class MaxPoolLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolGeometry _geometry;
    private readonly Workers _workers;
    private int[] _argMax = [];

    public MaxPoolLayer(PoolGeometry geometry, Workers workers)
        : base(new ImageShape(geometry.Channels, geometry.Height, geometry.Width), new ImageShape(geometry.Channels, geometry.OutHeight, geometry.OutWidth))
    {
        _geometry = geometry;
        _workers = workers;
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
            MaxPoolKernels.BackwardReference<T>(X, DY, _geometry, batch, DX);
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
        var g = _geometry;
        MaxPoolKernels.Forward(
            AsSingle(X).Slice(start * g.InputSize),
            g,
            end - start,
            AsSingle(Y).Slice(start * g.OutputSize),
            _argMax.AsSpan(start * g.OutputSize));
    }

    private void BackwardImages(int start, int end)
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
