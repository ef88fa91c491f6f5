using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>
/// 2-D convolution layer, optionally with the ReLU that follows it fused in (Y is then max(0, z)); images are split
/// across workers, each with its own im2col workspace. Fused, the forward pass applies ReLU in the conv's own store
/// and the backward pass masks each image's output gradient just before the weight gradient reads it, in cache:
/// no separate activation buffer or pass over the activations. Same bits as a conv followed by an
/// <see cref="ActivationLayer{T}"/> (the same ReLU kernels run on the same values).
/// </summary>
internal sealed class Conv2dLayer<T> : BatchSplitLayer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2dGeometry _geometry;
    private readonly bool _relu;
    private readonly float[][] _columns;
    private readonly float[][] _maskedGradient;
    private float[] _weightGradPerImage = [];
    private float[] _biasGradPerImage = [];
    private T[] _maskedGradientReference = [];

    public Conv2dLayer(Conv2dGeometry geometry, bool relu, Workers workers)
        : base(new ImageShape(geometry.Channels, geometry.Height, geometry.Width), new ImageShape(geometry.Filters, geometry.OutHeight, geometry.OutWidth), workers)
    {
        _geometry = geometry;
        _relu = relu;
        _columns = IsSingle
            ? Enumerable.Range(0, workers.Capacity).Select(_ => new float[Conv2dKernels.WorkspaceSize(geometry)]).ToArray()
            : [];
        // One masked-gradient image per worker that has a workspace.
        _maskedGradient = IsSingle && relu
            ? _columns.Select(_ => new float[geometry.OutputSize]).ToArray()
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
        else if (_relu)
        {
            _maskedGradientReference = new T[capacity * _geometry.OutputSize];
        }
    }

    public override void Forward(int batch)
    {
        if (!IsSingle)
        {
            Conv2dKernels.ForwardReference<T>(X, Weights, Biases, _geometry, batch, Y);
            if (_relu)
            {
                var count = batch * _geometry.OutputSize;
                ActivationKernels.ReluForwardReference<T>(Y.AsSpan(0, count), Y);
            }
            return;
        }
        ForwardSplit(batch);
    }

    public override void Backward(int batch)
    {
        if (!IsSingle)
        {
            var dy = DY.AsSpan(0, batch * _geometry.OutputSize);
            if (_relu)
            {
                var masked = _maskedGradientReference.AsSpan(0, dy.Length);
                masked.Clear();
                ActivationKernels.ReluBackwardReference<T>(Y.AsSpan(0, dy.Length), dy, masked);
                dy = masked;
            }
            Conv2dKernels.BackwardReference<T>(X, Weights, dy, _geometry, batch, DX, WeightGradients, BiasGradients);
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
            _columns[worker],
            _relu);
    }

    protected override void BackwardImages(int worker, int start, int end)
    {
        var g = _geometry;
        var count = end - start;
        var dy = AsSingle(DY).Slice(start * g.OutputSize, count * g.OutputSize);
        // Fused ReLU: each image's dy is masked (dy · [y > 0]) just before the weight gradient reads it, while it is
        // in cache. Without an input gradient the masked image goes to a per-worker buffer reused for each; with one
        // it is written back in place, where the input-gradient pass reads it.
        var reluOutputs = _relu ? AsSingle(Y).Slice(start * g.OutputSize, count * g.OutputSize) : default;
        var masked = !_relu ? default : DX is null ? _maskedGradient[worker].AsSpan() : dy;
        Conv2dKernels.BackwardWeights(
            AsSingle(X).Slice(start * g.InputSize),
            dy,
            g,
            count,
            _weightGradPerImage.AsSpan(start * g.WeightCount),
            _biasGradPerImage.AsSpan(start * g.Filters),
            _columns[worker],
            reluOutputs,
            masked);
        if (DX is not null)
        {
            Conv2dKernels.BackwardInput(dy, AsSingle(Weights), g, count, AsSingle(DX).Slice(start * g.InputSize), _columns[worker]);
        }
    }
}
