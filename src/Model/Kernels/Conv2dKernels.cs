using System.Numerics;

namespace Sweep.Model.Kernels;

/// <summary>
/// 2-D convolution with zero padding and stride (paper eqs. 41–47 forward, 54–59 backward), per image: by
/// <see cref="DirectConv2d"/> where it applies (stride 1, AVX-512), else as im2col followed by the blocked
/// <see cref="Gemm"/>: <c>Y_n[F, P] = W[F, CKK] · col_n[CKK, P]</c>. Filters are stored [F, C, K, K] (the rows of
/// W), activations [batch, C, H, W]. The scalar references straight from the equations sit at the end.
/// </summary>
internal static class Conv2dKernels
{
    /// <summary>Floats of workspace one worker needs for <paramref name="g"/> (either algorithm).</summary>
    public static int WorkspaceSize(Conv2dGeometry g) =>
        Math.Max(g.PatchSize * g.OutPlane, DirectConv2d.Supports(g) ? DirectConv2d.WorkspaceSize(g) : 0);

    /// <summary>Forward pass of <paramref name="batch"/> images: direct for stride 1 on AVX-512 machines, else
    /// im2col + GEMM.</summary>
    /// <param name="x">Shape: [batch, C, H, W].</param>
    /// <param name="weights">Shape: [F, C, K, K].</param>
    /// <param name="bias">Shape: [F].</param>
    /// <param name="y">Shape: [batch, F, OH, OW]; overwritten.</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
    /// <param name="relu">Whether to store max(0, z) instead of z: the ReLU that follows every conv of the
    /// presets, applied while the output is still in registers or cache, with the bits of
    /// <see cref="ActivationKernels.ReluForward"/>.</param>
    public static void Forward(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias,
        Conv2dGeometry g,
        int batch,
        Span<float> y,
        Span<float> workspace,
        bool relu = false)
    {
        if (!DirectConv2d.Supports(g))
        {
            ForwardIm2Col(x, weights, bias, g, batch, y, workspace, relu);
            return;
        }
        DirectConv2d.Forward(x, weights, bias, g, batch, y, workspace, relu);
    }

    /// <summary>Per-image weight and bias gradients; see <see cref="BackwardWeightsIm2Col"/>.</summary>
    /// <param name="reluOutputs">Empty, or Shape: [batch, F, OH, OW], the outputs of a fused ReLU: then each image's
    /// dy is first masked by <c>[y &gt; 0]</c> (<see cref="ActivationKernels.ReluBackward"/>) into
    /// <paramref name="masked"/>, just before it is used.</param>
    /// <param name="masked">With <paramref name="reluOutputs"/>: Shape [batch, F, OH, OW] to keep every masked image
    /// (it may be <paramref name="dy"/> itself), or [F, OH, OW], one image's room reused for each.</param>
    public static void BackwardWeights(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> dy,
        Conv2dGeometry g,
        int batch,
        Span<float> weightGradPerImage,
        Span<float> biasGradPerImage,
        Span<float> workspace,
        ReadOnlySpan<float> reluOutputs = default,
        Span<float> masked = default)
    {
        if (!DirectConv2d.Supports(g))
        {
            BackwardWeightsIm2Col(x, dy, g, batch, weightGradPerImage, biasGradPerImage, workspace, reluOutputs, masked);
            return;
        }
        DirectConv2d.BackwardWeights(x, dy, g, batch, weightGradPerImage, biasGradPerImage, workspace, reluOutputs, masked);
    }

    /// <summary>Image <paramref name="n"/>'s output gradient, masked by a fused ReLU's outputs when there are any
    /// (see <see cref="BackwardWeights"/>).</summary>
    internal static ReadOnlySpan<float> ImageGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> reluOutputs, Span<float> masked, int n, int size)
    {
        var gradient = dy.Slice(n * size, size);
        if (reluOutputs.IsEmpty)
        {
            return gradient;
        }
        var target = masked.Length == size ? masked : masked.Slice(n * size, size);
        ActivationKernels.ReluBackward(reluOutputs.Slice(n * size, size), gradient, target);
        return target;
    }

    /// <summary>Input gradient; see <see cref="BackwardInputIm2Col"/>.</summary>
    public static void BackwardInput(
        ReadOnlySpan<float> dy,
        ReadOnlySpan<float> weights,
        Conv2dGeometry g,
        int batch,
        Span<float> dx,
        Span<float> workspace)
    {
        if (!DirectConv2d.Supports(g))
        {
            BackwardInputIm2Col(dy, weights, g, batch, dx, workspace);
            return;
        }
        DirectConv2d.BackwardInput(dy, weights, g, batch, dx, workspace);
    }

    /// <summary>Forward pass of <paramref name="batch"/> images by im2col + GEMM.</summary>
    /// <param name="x">Shape: [batch, C, H, W].</param>
    /// <param name="weights">Shape: [F, C, K, K].</param>
    /// <param name="bias">Shape: [F].</param>
    /// <param name="y">Shape: [batch, F, OH, OW]; overwritten.</param>
    /// <param name="columns">Workspace, at least C·K·K·OH·OW floats.</param>
    /// <param name="relu">Whether to apply ReLU to each image's output while it is in cache.</param>
    internal static void ForwardIm2Col(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias,
        Conv2dGeometry g,
        int batch,
        Span<float> y,
        Span<float> columns,
        bool relu = false)
    {
        var plane = g.OutPlane;
        for (var n = 0; n < batch; n++)
        {
            var image = x.Slice(n * g.InputSize, g.InputSize);
            var output = y.Slice(n * g.OutputSize, g.OutputSize);
            Im2Col(image, g, columns);
            for (var f = 0; f < g.Filters; f++)
            {
                output.Slice(f * plane, plane).Fill(bias[f]);
            }
            // eq. 45: z = Σ_{c,i,j} w · a + b, every output position at once.
            Gemm.Multiply(weights, false, columns, false, g.Filters, plane, g.PatchSize, output, true);
            if (relu)
            {
                ActivationKernels.ReluForward(output, output);
            }
        }
    }

    /// <summary>Per-image weight and bias gradients (eqs. 55–56) by im2col + GEMM, each image's block overwritten; sum the
    /// blocks with <see cref="Elementwise.SumBlocks"/> in image order.</summary>
    /// <param name="x">Shape: [batch, C, H, W].</param>
    /// <param name="dy">Shape: [batch, F, OH, OW].</param>
    /// <param name="weightGradPerImage">Shape: [batch, F, C, K, K]; overwritten.</param>
    /// <param name="biasGradPerImage">Shape: [batch, F]; overwritten.</param>
    /// <param name="columns">Workspace, at least C·K·K·OH·OW floats.</param>
    /// <param name="reluOutputs">See <see cref="BackwardWeights"/>.</param>
    /// <param name="masked">See <see cref="BackwardWeights"/>.</param>
    internal static void BackwardWeightsIm2Col(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> dy,
        Conv2dGeometry g,
        int batch,
        Span<float> weightGradPerImage,
        Span<float> biasGradPerImage,
        Span<float> columns,
        ReadOnlySpan<float> reluOutputs = default,
        Span<float> masked = default)
    {
        var plane = g.OutPlane;
        for (var n = 0; n < batch; n++)
        {
            var gradient = ImageGradient(dy, reluOutputs, masked, n, g.OutputSize);
            Im2Col(x.Slice(n * g.InputSize, g.InputSize), g, columns);
            Gemm.Multiply(gradient, false, columns, true, g.Filters, g.PatchSize, plane, weightGradPerImage.Slice(n * g.WeightCount, g.WeightCount), false);
            for (var f = 0; f < g.Filters; f++)
            {
                biasGradPerImage[n * g.Filters + f] = Elementwise.Sum(gradient.Slice(f * plane, plane));
            }
        }
    }

    /// <summary>Input gradient (eq. 57): <c>dcol = Wᵀ·dY_n</c>, folded back onto the input by col2im.</summary>
    /// <param name="dy">Shape: [batch, F, OH, OW].</param>
    /// <param name="weights">Shape: [F, C, K, K].</param>
    /// <param name="dx">Shape: [batch, C, H, W]; overwritten (each image cleared while in cache, then folded onto).</param>
    /// <param name="columns">Workspace, at least C·K·K·OH·OW floats.</param>
    internal static void BackwardInputIm2Col(
        ReadOnlySpan<float> dy,
        ReadOnlySpan<float> weights,
        Conv2dGeometry g,
        int batch,
        Span<float> dx,
        Span<float> columns)
    {
        var plane = g.OutPlane;
        for (var n = 0; n < batch; n++)
        {
            Gemm.Multiply(weights, true, dy.Slice(n * g.OutputSize, g.OutputSize), false, g.PatchSize, plane, g.Filters, columns, false);
            var image = dx.Slice(n * g.InputSize, g.InputSize);
            image.Clear();
            Col2Im(columns, g, image);
        }
    }

    /// <summary>Unrolls one image so that each column holds the C·K·K inputs of one output position.</summary>
    /// <param name="image">Shape: [C, H, W].</param>
    /// <param name="columns">Shape: [C·K·K, OH·OW]; overwritten.</param>
    internal static void Im2Col(ReadOnlySpan<float> image, Conv2dGeometry g, Span<float> columns)
    {
        int k = g.Kernel, s = g.Stride, pad = g.Padding, oh = g.OutHeight, ow = g.OutWidth;
        var row = 0;
        for (var c = 0; c < g.Channels; c++)
        {
            var channel = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (var ki = 0; ki < k; ki++)
            {
                for (var kj = 0; kj < k; kj++, row++)
                {
                    var dst = columns.Slice(row * oh * ow, oh * ow);
                    // Output columns whose input column ow·s + kj − pad lies inside [0, W).
                    var first = Math.Max(0, CeilDiv(pad - kj, s));
                    var last = Math.Min(ow - 1, FloorDiv(g.Width - 1 + pad - kj, s));
                    for (var i = 0; i < oh; i++)
                    {
                        var line = dst.Slice(i * ow, ow);
                        var ih = i * s + ki - pad;
                        if (ih < 0 || ih >= g.Height || first > last)
                        {
                            line.Clear();
                            continue;
                        }
                        line[..first].Clear();
                        line[(last + 1)..].Clear();
                        var source = channel.Slice(ih * g.Width);
                        if (s == 1)
                        {
                            source.Slice(first + kj - pad, last - first + 1).CopyTo(line[first..]);
                        }
                        else
                        {
                            for (var j = first; j <= last; j++)
                            {
                                line[j] = source[j * s + kj - pad];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds each column entry back onto the input pixel it was unrolled from.</summary>
    /// <param name="columns">Shape: [C·K·K, OH·OW].</param>
    /// <param name="image">Shape: [C, H, W]; accumulated.</param>
    internal static void Col2Im(ReadOnlySpan<float> columns, Conv2dGeometry g, Span<float> image)
    {
        int k = g.Kernel, s = g.Stride, pad = g.Padding, oh = g.OutHeight, ow = g.OutWidth;
        var row = 0;
        for (var c = 0; c < g.Channels; c++)
        {
            var channel = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (var ki = 0; ki < k; ki++)
            {
                for (var kj = 0; kj < k; kj++, row++)
                {
                    var src = columns.Slice(row * oh * ow, oh * ow);
                    var first = Math.Max(0, CeilDiv(pad - kj, s));
                    var last = Math.Min(ow - 1, FloorDiv(g.Width - 1 + pad - kj, s));
                    if (first > last)
                    {
                        continue;
                    }
                    for (var i = 0; i < oh; i++)
                    {
                        var ih = i * s + ki - pad;
                        if (ih < 0 || ih >= g.Height)
                        {
                            continue;
                        }
                        var line = src.Slice(i * ow, ow);
                        var target = channel.Slice(ih * g.Width);
                        if (s == 1)
                        {
                            Elementwise.Add(line.Slice(first, last - first + 1), target.Slice(first + kj - pad));
                        }
                        else
                        {
                            for (var j = first; j <= last; j++)
                            {
                                target[j * s + kj - pad] += line[j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Scalar reference of the forward pass, straight from eq. 45.</summary>
    public static void ForwardReference<T>(
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> weights,
        ReadOnlySpan<T> bias,
        Conv2dGeometry g,
        int batch,
        Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < batch; n++)
        {
            for (var f = 0; f < g.Filters; f++)
            {
                for (var i = 0; i < g.OutHeight; i++)
                {
                    for (var j = 0; j < g.OutWidth; j++)
                    {
                        var sum = bias[f];
                        for (var c = 0; c < g.Channels; c++)
                        {
                            for (var ki = 0; ki < g.Kernel; ki++)
                            {
                                var ih = i * g.Stride + ki - g.Padding;
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }
                                for (var kj = 0; kj < g.Kernel; kj++)
                                {
                                    var iw = j * g.Stride + kj - g.Padding;
                                    if (iw < 0 || iw >= g.Width)
                                    {
                                        continue;
                                    }
                                    sum += x[InputIndex(g, n, c, ih, iw)] * weights[WeightIndex(g, f, c, ki, kj)];
                                }
                            }
                        }
                        y[((n * g.Filters + f) * g.OutHeight + i) * g.OutWidth + j] = sum;
                    }
                }
            }
        }
    }

    /// <summary>Scalar reference of the backward pass (eqs. 55–57), accumulating (+=) as the equations read;
    /// <paramref name="dx"/> may be empty.</summary>
    public static void BackwardReference<T>(
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> weights,
        ReadOnlySpan<T> dy,
        Conv2dGeometry g,
        int batch,
        Span<T> dx,
        Span<T> weightGrad,
        Span<T> biasGrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var n = 0; n < batch; n++)
        {
            for (var f = 0; f < g.Filters; f++)
            {
                for (var i = 0; i < g.OutHeight; i++)
                {
                    for (var j = 0; j < g.OutWidth; j++)
                    {
                        var grad = dy[((n * g.Filters + f) * g.OutHeight + i) * g.OutWidth + j];
                        biasGrad[f] += grad;
                        for (var c = 0; c < g.Channels; c++)
                        {
                            for (var ki = 0; ki < g.Kernel; ki++)
                            {
                                var ih = i * g.Stride + ki - g.Padding;
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }
                                for (var kj = 0; kj < g.Kernel; kj++)
                                {
                                    var iw = j * g.Stride + kj - g.Padding;
                                    if (iw < 0 || iw >= g.Width)
                                    {
                                        continue;
                                    }
                                    var xi = InputIndex(g, n, c, ih, iw);
                                    var wi = WeightIndex(g, f, c, ki, kj);
                                    weightGrad[wi] += x[xi] * grad;
                                    if (!dx.IsEmpty)
                                    {
                                        dx[xi] += weights[wi] * grad;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int InputIndex(Conv2dGeometry g, int n, int c, int h, int w) => ((n * g.Channels + c) * g.Height + h) * g.Width + w;

    private static int WeightIndex(Conv2dGeometry g, int f, int c, int ki, int kj) => ((f * g.Channels + c) * g.Kernel + ki) * g.Kernel + kj;

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : (a + b - 1) / b;

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
