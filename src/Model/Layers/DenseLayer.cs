using System.Numerics;
using Sweep.Model.Data;
using Sweep.Model.Kernels;

namespace Sweep.Model.Layers;

/// <summary>Fully connected layer; the input is read flat, so a convolutional stack flattens for free.</summary>
internal sealed class DenseLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Workers _workers;
    private readonly int _inputs;
    private readonly int _outputs;

    public DenseLayer(ImageShape input, int outputs, Workers workers)
        : base(input, new ImageShape(outputs, 1, 1))
    {
        _workers = workers;
        _inputs = input.Size;
        _outputs = outputs;
    }

    public override int WeightCount => _inputs * _outputs;

    public override int BiasCount => _outputs;

    public override int FanIn => _inputs;

    public override void Forward(int batch)
    {
        if (!IsSingle)
        {
            DenseKernels.ForwardReference<T>(X, Weights, Biases, batch, _inputs, _outputs, Y);
            return;
        }
        if (_workers.Count == 1)
        {
            ForwardColumns(batch, 0, _outputs);
        }
        else
        {
            ForwardParallel(batch);
        }
    }

    public override void Backward(int batch)
    {
        if (!IsSingle)
        {
            DenseKernels.BackwardReference<T>(X, Weights, DY, batch, _inputs, _outputs, DX, WeightGradients, BiasGradients);
            return;
        }
        if (_workers.Count == 1)
        {
            BackwardColumns(batch, 0, _outputs, 0, _inputs);
        }
        else
        {
            BackwardParallel(batch);
        }
        DenseKernels.BackwardBias(AsSingle(DY), batch, _outputs, AsSingle(BiasGradients));
    }

    // The lambdas live in their own methods: a captured parameter allocates its closure on entry to the
    // method that declares it, and the single-thread path must not allocate.
    private void ForwardParallel(int batch) => _workers.Run(w =>
    {
        var (start, end) = _workers.Range(_outputs, w, Gemm.Nr);
        ForwardColumns(batch, start, end);
    });

    private void BackwardParallel(int batch) => _workers.Run(w =>
    {
        var (outStart, outEnd) = _workers.Range(_outputs, w, Gemm.Nr);
        var (inStart, inEnd) = _workers.Range(_inputs, w, Gemm.Nr);
        BackwardColumns(batch, outStart, outEnd, inStart, inEnd);
    });

    private void ForwardColumns(int batch, int start, int end)
    {
        DenseKernels.Forward(AsSingle(X), AsSingle(Weights), AsSingle(Biases), batch, _inputs, _outputs, AsSingle(Y), start, end);
    }

    private void BackwardColumns(int batch, int outStart, int outEnd, int inStart, int inEnd)
    {
        var dy = AsSingle(DY);
        DenseKernels.BackwardWeights(AsSingle(X), dy, batch, _inputs, _outputs, AsSingle(WeightGradients), outStart, outEnd);
        if (DX is not null)
        {
            DenseKernels.BackwardInput(dy, AsSingle(Weights), batch, _inputs, _outputs, AsSingle(DX), inStart, inEnd);
        }
    }
}
