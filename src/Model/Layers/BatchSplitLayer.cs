using System.Numerics;
using Sweep.Model.Data;

namespace Sweep.Model.Layers;

/// <summary>
/// A layer whose single-precision path splits the batch's images into one contiguous range per worker; each image's
/// outputs are written by one worker only, so any split gives the same bits.
/// </summary>
/// <typeparam name="T">float for training, double for gradient checks.</typeparam>
internal abstract class BatchSplitLayer<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Workers _workers;

    protected BatchSplitLayer(ImageShape input, ImageShape output, Workers workers)
        : base(input, output)
    {
        _workers = workers;
    }

    /// <summary>The single-precision forward pass over images [<paramref name="start"/>, <paramref name="end"/>),
    /// run by <paramref name="worker"/>.</summary>
    protected abstract void ForwardImages(int worker, int start, int end);

    /// <summary>The single-precision backward pass over images [<paramref name="start"/>, <paramref name="end"/>),
    /// run by <paramref name="worker"/>.</summary>
    protected abstract void BackwardImages(int worker, int start, int end);

    /// <summary>Runs <see cref="ForwardImages"/> over the first <paramref name="batch"/> images, split across workers.</summary>
    protected void ForwardSplit(int batch)
    {
        if (_workers.Count == 1)
        {
            ForwardImages(0, 0, batch);
        }
        else
        {
            ForwardParallel(batch);
        }
    }

    /// <summary>Runs <see cref="BackwardImages"/> over the first <paramref name="batch"/> images, split across workers.</summary>
    protected void BackwardSplit(int batch)
    {
        if (_workers.Count == 1)
        {
            BackwardImages(0, 0, batch);
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
        ForwardImages(w, start, end);
    });

    private void BackwardParallel(int batch) => _workers.Run(w =>
    {
        var (start, end) = _workers.Range(batch, w);
        BackwardImages(w, start, end);
    });
}
