using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>2-D convolution layer; images are split across workers, each with its own im2col workspace.</summary>
internal sealed class Conv2dLayer<T> : BatchSplitLayer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2dGeometry _geometry;
    private readonly float[][] _columns;
    private float[] _weightGradPerImage = [];
    private float[] _biasGradPerImage = [];

    public Conv2dLayer(Conv2dGeometry geometry, Workers workers)
        : base(new ImageShape(geometry.Channels, geometry.Height, geometry.Width), new ImageShape(geometry.Filters, geometry.OutHeight, geometry.OutWidth), workers)
    {
        _geometry = geometry;
        _columns = IsSingle
            ? Enumerable.Range(0, workers.Count).Select(_ => new float[Conv2dKernels.WorkspaceSize(geometry)]).ToArray()
            : [];
    }

    public override int WeightCount => _geometry.WeightCount;

    public override int BiasCount => _geometry.Filters;

    public override int FanIn => _geometry.PatchSize;

    /// <summary>Sizes the per-image gradient blocks for the network's batch capacity.</summary>
    public void Reserve(int capacity)
    {
        if (IsSingle)
        {
            _weightGradPerImage = new float[capacity * _geometry.WeightCount];
            _biasGradPerImage = new float[capacity * _geometry.Filters];
        }
    }

    public override void Forward(int batch)
    {
        if (!IsSingle)
        {
            Conv2dKernels.ForwardReference<T>(X, Weights, Biases, _geometry, batch, Y);
            return;
        }
        ForwardSplit(batch);
    }

    public override void Backward(int batch)
    {
        if (!IsSingle)
        {
            Conv2dKernels.BackwardReference<T>(X, Weights, DY, _geometry, batch, DX, WeightGradients, BiasGradients);
            return;
        }
        BackwardSplit(batch);
        // eq. 55 sums over the batch: add the per-image blocks in image order, whatever the thread count.
        Elementwise.SumBlocks(_weightGradPerImage, batch, _geometry.WeightCount, AsSingle(WeightGradients));
        Elementwise.SumBlocks(_biasGradPerImage, batch, _geometry.Filters, AsSingle(BiasGradients));
    }

    protected override void ForwardImages(int worker, int start, int end)
    {
        var g = _geometry;
        Conv2dKernels.Forward(
            AsSingle(X).Slice(start * g.InputSize),
            AsSingle(Weights),
            AsSingle(Biases),
            g,
            end - start,
            AsSingle(Y).Slice(start * g.OutputSize),
            _columns[worker]);
    }

    protected override void BackwardImages(int worker, int start, int end)
    {
        var g = _geometry;
        var count = end - start;
        var dy = AsSingle(DY).Slice(start * g.OutputSize);
        Conv2dKernels.BackwardWeights(
            AsSingle(X).Slice(start * g.InputSize),
            dy,
            g,
            count,
            _weightGradPerImage.AsSpan(start * g.WeightCount),
            _biasGradPerImage.AsSpan(start * g.Filters),
            _columns[worker]);
        if (DX is not null)
        {
            Conv2dKernels.BackwardInput(dy, AsSingle(Weights), g, count, AsSingle(DX).Slice(start * g.InputSize), _columns[worker]);
        }
    }
}
