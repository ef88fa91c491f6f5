using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sweep.Model.Kernels;

/// <summary>
/// Stride-1 convolution computed directly with Vector512 FMA, for the small filter counts of the paper's networks
/// where im2col + GEMM is memory-bound. Each image is first copied into a zero-bordered buffer wide enough that
/// every 32-pixel output segment reads in bounds; four filters are computed at once so each loaded input vector
/// feeds eight FMAs. The input gradient is the same kernel run on the output gradient with the filters rotated by
/// 180° and padding K − 1 − P (a "full" convolution), so it needs P &lt; K.
/// </summary>
internal static unsafe class DirectConv2d
{
    private const int Segment = 32;
    private const int FilterBlock = 4;

    /// <summary>Whether <paramref name="g"/> can use this kernel on this machine.</summary>
    public static bool Supports(Conv2dGeometry g) =>
        Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported && g.Stride == 1 && g.Padding < g.Kernel;

    /// <summary>Floats of workspace one worker needs for <paramref name="g"/>.</summary>
    public static int WorkspaceSize(Conv2dGeometry g)
    {
        var b = BackwardGeometry(g);
        var forwardPad = g.Channels * PaddedHeight(g.Height, g.Padding) * PaddedWidth(g.Width, g.Padding, g.OutWidth, g.Kernel);
        var backwardPad = b.Channels * PaddedHeight(b.Height, b.Padding) * PaddedWidth(b.Width, b.Padding, b.OutWidth, b.Kernel);
        var gradient = RoundUp(g.Filters, FilterBlock) * PlaneStride(g.OutHeight, RoundUp(g.OutWidth, Segment));
        var weights = Math.Max(RoundUp(g.Filters, FilterBlock) * g.Channels, RoundUp(g.Channels, FilterBlock) * g.Filters) * g.Kernel * g.Kernel;
        return Math.Max(2 * weights + Math.Max(forwardPad, backwardPad), gradient + forwardPad) + 16;
    }

    /// <summary>Forward pass of <paramref name="batch"/> images: y = w ⊛ x + b (eq. 45). The filters are packed and
    /// the padded buffer's zero border is written once per call, not once per image.</summary>
    /// <param name="images">Shape: [batch, C, H, W].</param>
    /// <param name="weights">Shape: [F, C, K, K].</param>
    /// <param name="bias">Shape: [F].</param>
    /// <param name="output">Shape: [batch, F, OH, OW]; overwritten.</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
    /// <param name="relu">Whether to store max(0, ·) of each output vector (as <see cref="ActivationKernels.ReluForward"/> does).</param>
    public static void Forward(ReadOnlySpan<float> images, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Conv2dGeometry g, int batch, Span<float> output, Span<float> workspace, bool relu = false)
    {
        var packedLength = RoundUp(g.Filters, FilterBlock) * g.PatchSize;
        var packed = workspace[..packedLength];
        PackWeights(weights, g.Filters, g.Channels, g.Kernel, rotate: false, packed);
        for (var n = 0; n < batch; n++)
        {
            Run(images.Slice(n * g.InputSize, g.InputSize), packed, bias, g, output.Slice(n * g.OutputSize, g.OutputSize), workspace[(2 * packedLength)..], clear: n == 0, relu);
        }
    }

    /// <summary>Input gradient of <paramref name="batch"/> images (eq. 57) as a full convolution of dy with the rotated filters.</summary>
    /// <param name="gradient">Shape: [batch, F, OH, OW].</param>
    /// <param name="weights">Shape: [F, C, K, K].</param>
    /// <param name="inputGradient">Shape: [batch, C, H, W]; overwritten.</param>
    public static void BackwardInput(ReadOnlySpan<float> gradient, ReadOnlySpan<float> weights, Conv2dGeometry g, int batch, Span<float> inputGradient, Span<float> workspace)
    {
        var b = BackwardGeometry(g);
        var packedLength = RoundUp(b.Filters, FilterBlock) * b.PatchSize;
        var packed = workspace[..packedLength];
        PackWeights(weights, g.Filters, g.Channels, g.Kernel, rotate: true, packed);
        for (var n = 0; n < batch; n++)
        {
            Run(gradient.Slice(n * g.OutputSize, g.OutputSize), packed, default, b, inputGradient.Slice(n * g.InputSize, g.InputSize), workspace[(2 * packedLength)..], clear: n == 0, relu: false);
        }
    }

    /// <summary>Per-image weight and bias gradients of <paramref name="batch"/> images; each image's block overwritten.</summary>
    /// <param name="images">Shape: [batch, C, H, W].</param>
    /// <param name="gradients">Shape: [batch, F, OH, OW].</param>
    /// <param name="weightGradPerImage">Shape: [batch, F, C, K, K]; overwritten.</param>
    /// <param name="biasGradPerImage">Shape: [batch, F]; overwritten.</param>
    /// <param name="reluOutputs">See <see cref="Conv2dKernels.BackwardWeights"/>.</param>
    /// <param name="masked">See <see cref="Conv2dKernels.BackwardWeights"/>.</param>
    public static void BackwardWeights(ReadOnlySpan<float> images, ReadOnlySpan<float> gradients, Conv2dGeometry g, int batch, Span<float> weightGradPerImage, Span<float> biasGradPerImage, Span<float> workspace, ReadOnlySpan<float> reluOutputs = default, Span<float> masked = default)
    {
        // Pinned for the whole batch: the aligned planes start at an address-dependent offset, and the zero
        // borders written for the first image must still be where the later images expect them.
        fixed (float* pinned = workspace)
        {
            for (var n = 0; n < batch; n++)
            {
                BackwardWeights(
                    images.Slice(n * g.InputSize, g.InputSize),
                    Conv2dKernels.ImageGradient(gradients, reluOutputs, masked, n, g.OutputSize),
                    g,
                    weightGradPerImage.Slice(n * g.WeightCount, g.WeightCount),
                    biasGradPerImage.Slice(n * g.Filters, g.Filters),
                    workspace,
                    first: n == 0);
            }
        }
    }

    /// <summary>Weight and bias gradients of one image (eqs. 55–56): dW[f,c,i,j] = Σ dy[f,·,·]·x[c, ·+i, ·+j].</summary>
    /// <param name="image">Shape: [C, H, W].</param>
    /// <param name="gradient">Shape: [F, OH, OW].</param>
    /// <param name="weightGrad">Shape: [F, C, K, K]; overwritten.</param>
    /// <param name="biasGrad">Shape: [F]; overwritten.</param>
    /// <param name="first">Whether this is the first image of a call on this workspace: only then are the zero
    /// borders and planes written (the later images overwrite only the interiors).</param>
    private static void BackwardWeights(ReadOnlySpan<float> image, ReadOnlySpan<float> gradient, Conv2dGeometry g, Span<float> weightGrad, Span<float> biasGrad, Span<float> workspace, bool first)
    {
        int k = g.Kernel, oh = g.OutHeight, ow = g.OutWidth, owp = RoundUp(ow, Segment);
        int hp = PaddedHeight(g.Height, g.Padding), wp = PaddedWidth(g.Width, g.Padding, ow, k);
        var planeStride = PlaneStride(oh, owp);
        var paddedGradientLength = RoundUp(g.Filters, FilterBlock) * planeStride;
        // When the output width is a whole number of segments the gradient is read in place (no copy); otherwise
        // each row is copied into a zero-padded, 64-byte aligned plane. Filters past F read a zero plane.
        var inPlace = ow == owp;
        fixed (float* workspaceStart = workspace, gradientStart = gradient)
        {
            var skip = (int)((64 - ((nuint)workspaceStart & 63)) & 63) / sizeof(float);
            var paddedGradient = workspace.Slice(skip, paddedGradientLength);
            var paddedImage = workspace.Slice(skip + paddedGradientLength, g.Channels * hp * wp);
            Pad(image, g.Channels, g.Height, g.Width, g.Padding, hp, wp, paddedImage, first);
            for (var f = 0; f < g.Filters; f++)
            {
                biasGrad[f] = Elementwise.Sum(gradient.Slice(f * oh * ow, oh * ow));
            }
            float* dy;
            float* zero;
            if (inPlace)
            {
                planeStride = oh * ow;
                dy = gradientStart;
                zero = workspaceStart + skip;
                if (first)
                {
                    paddedGradient[..planeStride].Clear();
                }
            }
            else
            {
                if (first)
                {
                    paddedGradient.Clear();
                }
                for (var f = 0; f < g.Filters; f++)
                {
                    for (var i = 0; i < oh; i++)
                    {
                        gradient.Slice((f * oh + i) * ow, ow).CopyTo(paddedGradient.Slice(f * planeStride + i * owp));
                    }
                }
                dy = workspaceStart + skip;
                zero = dy + g.Filters * planeStride;
            }
            var x = workspaceStart + skip + paddedGradientLength;
            var segments = owp / Segment;
            var patch = g.PatchSize;
            var taps = stackalloc float[3 * FilterBlock];
            fixed (float* dw = weightGrad)
            {
                for (var fb = 0; fb < g.Filters; fb += FilterBlock)
                {
                    var d0 = dy + fb * planeStride;
                    var d1 = fb + 1 < g.Filters ? d0 + planeStride : zero;
                    var d2 = fb + 2 < g.Filters ? d0 + 2 * planeStride : zero;
                    var d3 = fb + 3 < g.Filters ? d0 + 3 * planeStride : zero;
                    for (var c = 0; c < g.Channels; c++)
                    {
                        for (var ki = 0; ki < k; ki++)
                        {
                            // Three filter columns at a time: each gradient vector loaded feeds twelve FMAs.
                            for (var kj = 0; kj < k; kj += 3)
                            {
                                Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
                                Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
                                Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
                                for (var i = 0; i < oh; i++)
                                {
                                    var xs = x + (c * hp + i + ki) * wp + kj;
                                    var r = i * owp;
                                    for (var s = 0; s < segments; s++, xs += Segment, r += Segment)
                                    {
                                        for (var half = 0; half < Segment; half += 16)
                                        {
                                            var g0 = Vector512.Load(d0 + r + half);
                                            var g1 = Vector512.Load(d1 + r + half);
                                            var g2 = Vector512.Load(d2 + r + half);
                                            var g3 = Vector512.Load(d3 + r + half);
                                            var xv = Vector512.Load(xs + half);
                                            a00 = Vector512.FusedMultiplyAdd(g0, xv, a00);
                                            a01 = Vector512.FusedMultiplyAdd(g1, xv, a01);
                                            a02 = Vector512.FusedMultiplyAdd(g2, xv, a02);
                                            a03 = Vector512.FusedMultiplyAdd(g3, xv, a03);
                                            xv = Vector512.Load(xs + half + 1);
                                            a10 = Vector512.FusedMultiplyAdd(g0, xv, a10);
                                            a11 = Vector512.FusedMultiplyAdd(g1, xv, a11);
                                            a12 = Vector512.FusedMultiplyAdd(g2, xv, a12);
                                            a13 = Vector512.FusedMultiplyAdd(g3, xv, a13);
                                            xv = Vector512.Load(xs + half + 2);
                                            a20 = Vector512.FusedMultiplyAdd(g0, xv, a20);
                                            a21 = Vector512.FusedMultiplyAdd(g1, xv, a21);
                                            a22 = Vector512.FusedMultiplyAdd(g2, xv, a22);
                                            a23 = Vector512.FusedMultiplyAdd(g3, xv, a23);
                                        }
                                    }
                                }
                                taps[0] = Vector512.Sum(a00);
                                taps[1] = Vector512.Sum(a01);
                                taps[2] = Vector512.Sum(a02);
                                taps[3] = Vector512.Sum(a03);
                                taps[4] = Vector512.Sum(a10);
                                taps[5] = Vector512.Sum(a11);
                                taps[6] = Vector512.Sum(a12);
                                taps[7] = Vector512.Sum(a13);
                                taps[8] = Vector512.Sum(a20);
                                taps[9] = Vector512.Sum(a21);
                                taps[10] = Vector512.Sum(a22);
                                taps[11] = Vector512.Sum(a23);
                                for (var t = 0; t < 3 && kj + t < k; t++)
                                {
                                    for (var f = 0; f < FilterBlock && fb + f < g.Filters; f++)
                                    {
                                        dw[(fb + f) * patch + (c * k + ki) * k + kj + t] = taps[t * FilterBlock + f];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The convolution that maps dy back onto x: F in, C out, padding K − 1 − P, stride 1.</summary>
    private static Conv2dGeometry BackwardGeometry(Conv2dGeometry g) =>
        new(g.Filters, g.OutHeight, g.OutWidth, g.Channels, g.Kernel, 1, g.Kernel - 1 - g.Padding);

    /// <summary>y = packed ⊛ x (+ bias, unless <paramref name="bias"/> is empty; then max(0, ·) if
    /// <paramref name="relu"/>) over every output row in 32-pixel segments, four filters at a time.</summary>
    private static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Conv2dGeometry g, Span<float> output, Span<float> workspace, bool clear, bool relu)
    {
        int k = g.Kernel, oh = g.OutHeight, ow = g.OutWidth;
        int hp = PaddedHeight(g.Height, g.Padding), wp = PaddedWidth(g.Width, g.Padding, ow, k);
        var padded = workspace[..(g.Channels * hp * wp)];
        Pad(input, g.Channels, g.Height, g.Width, g.Padding, hp, wp, padded, clear);
        var segments = RoundUp(ow, Segment) / Segment;
        var patch = g.PatchSize;
        fixed (float* x = padded, w = packed, y = output)
        {
            for (var fb = 0; fb < g.Filters; fb += FilterBlock)
            {
                var wBlock = w + fb * patch;
                var filters = Math.Min(FilterBlock, g.Filters - fb);
                for (var i = 0; i < oh; i++)
                {
                    for (var s = 0; s < segments; s++)
                    {
                        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
                        Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
                        var wp4 = wBlock;
                        for (var c = 0; c < g.Channels; c++)
                        {
                            for (var ki = 0; ki < k; ki++)
                            {
                                var xs = x + (c * hp + i + ki) * wp + s * Segment;
                                for (var kj = 0; kj < k; kj++, wp4 += FilterBlock)
                                {
                                    var x0 = Vector512.Load(xs + kj);
                                    var x1 = Vector512.Load(xs + kj + 16);
                                    var wv = Vector512.Create(wp4[0]);
                                    a00 = Vector512.FusedMultiplyAdd(wv, x0, a00);
                                    a01 = Vector512.FusedMultiplyAdd(wv, x1, a01);
                                    wv = Vector512.Create(wp4[1]);
                                    a10 = Vector512.FusedMultiplyAdd(wv, x0, a10);
                                    a11 = Vector512.FusedMultiplyAdd(wv, x1, a11);
                                    wv = Vector512.Create(wp4[2]);
                                    a20 = Vector512.FusedMultiplyAdd(wv, x0, a20);
                                    a21 = Vector512.FusedMultiplyAdd(wv, x1, a21);
                                    wv = Vector512.Create(wp4[3]);
                                    a30 = Vector512.FusedMultiplyAdd(wv, x0, a30);
                                    a31 = Vector512.FusedMultiplyAdd(wv, x1, a31);
                                }
                            }
                        }
                        var start = s * Segment;
                        var width = Math.Min(Segment, ow - start);
                        // A row's last segment may be partial (28 of 32 pixels on MNIST-sized images): masked
                        // stores write only its pixels, so no tile copy or scalar loop is needed.
                        var full = width == Segment;
                        var loMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width)).AsSingle();
                        var hiMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width - 16)).AsSingle();
                        Write(y + ((fb * oh) + i) * ow + start, a00, a01, bias, fb, relu, full, loMask, hiMask);
                        if (filters > 1)
                        {
                            Write(y + (((fb + 1) * oh) + i) * ow + start, a10, a11, bias, fb + 1, relu, full, loMask, hiMask);
                        }
                        if (filters > 2)
                        {
                            Write(y + (((fb + 2) * oh) + i) * ow + start, a20, a21, bias, fb + 2, relu, full, loMask, hiMask);
                        }
                        if (filters > 3)
                        {
                            Write(y + (((fb + 3) * oh) + i) * ow + start, a30, a31, bias, fb + 3, relu, full, loMask, hiMask);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(float* target, Vector512<float> lo, Vector512<float> hi, ReadOnlySpan<float> bias, int filter, bool relu, bool full, Vector512<float> loMask, Vector512<float> hiMask)
    {
        if (!bias.IsEmpty)
        {
            var b = Vector512.Create(bias[filter]);
            lo += b;
            hi += b;
        }
        if (relu)
        {
            lo = Vector512.Max(lo, Vector512<float>.Zero);
            hi = Vector512.Max(hi, Vector512<float>.Zero);
        }
        if (full)
        {
            lo.Store(target);
            hi.Store(target + 16);
            return;
        }
        Avx512F.MaskStore(target, loMask, lo);
        Avx512F.MaskStore(target + 16, hiMask, hi);
    }

    /// <summary>Reorders [F, C, K, K] filters (optionally rotated by 180° and transposed to [C, F, K, K]) into
    /// blocks of four output channels, each tap's four weights adjacent; missing channels are zero.</summary>
    private static void PackWeights(ReadOnlySpan<float> weights, int filters, int channels, int k, bool rotate, Span<float> packed)
    {
        var outputs = rotate ? channels : filters;
        var inputs = rotate ? filters : channels;
        packed.Clear();
        for (var o = 0; o < outputs; o++)
        {
            var block = o / FilterBlock;
            var lane = o % FilterBlock;
            for (var c = 0; c < inputs; c++)
            {
                for (var ki = 0; ki < k; ki++)
                {
                    for (var kj = 0; kj < k; kj++)
                    {
                        var source = rotate
                            ? ((c * channels + o) * k + (k - 1 - ki)) * k + (k - 1 - kj)
                            : ((o * channels + c) * k + ki) * k + kj;
                        var tap = (c * k + ki) * k + kj;
                        packed[(block * inputs * k * k + tap) * FilterBlock + lane] = weights[source];
                    }
                }
            }
        }
    }

    /// <summary>Copies [C, H, W] into a [C, hp, wp] buffer at offset (pad, pad), zeroing it first when
    /// <paramref name="clear"/>; without, the border must still be zero from an earlier call (only the interior is written).</summary>
    private static void Pad(ReadOnlySpan<float> input, int channels, int height, int width, int pad, int hp, int wp, Span<float> padded, bool clear)
    {
        if (clear)
        {
            padded.Clear();
        }
        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < height; i++)
            {
                input.Slice((c * height + i) * width, width).CopyTo(padded.Slice((c * hp + i + pad) * wp + pad));
            }
        }
    }

    /// <summary>Floats between two filters' padded gradient planes: one segment more than needed, so the four
    /// planes read together are not a multiple of 4 KiB apart (which made their loads alias in L1).</summary>
    private static int PlaneStride(int oh, int owp) => oh * owp + 16;

    private static int PaddedHeight(int height, int pad) => height + 2 * pad;

    /// <summary>Wide enough for the last 32-pixel segment plus the filter's reach, RoundUp(OW, 32) + K − 1, plus
    /// two columns because the weight gradient always reads three filter columns at a time.</summary>
    private static int PaddedWidth(int width, int pad, int outWidth, int k) => Math.Max(width + 2 * pad, RoundUp(outWidth, Segment) + k + 1);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
