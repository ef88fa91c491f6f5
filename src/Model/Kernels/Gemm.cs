using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sweep.Model.Kernels;

/// <summary>
/// Row-major single-precision matrix multiply <c>C (+)= op(A) · op(B)</c>, the core of the dense and convolution
/// kernels. Cache-blocked in the BLIS manner (pack a K×N block of B into NR-wide panels, walk M in blocks, run an
/// MR×NR register-tiled micro-kernel that reads A in place, or from MR-wide strips when A is transposed); the micro-kernel uses Vector512 or Vector256 FMA,
/// chosen once at start-up. DRAM-sized operands are prefetched in software a block ahead (<see cref="NextBlock"/>).
/// Every element of C is summed over K in the same order whatever the blocking over M and
/// N, so partitioning the N range across threads gives bit-identical results.
/// </summary>
internal static unsafe class Gemm
{
    private const int Mr = 6;
    private const int Kc = 256;
    private const int Mc = 96;
    private const int Nc = 1024;

    /// <summary>Column block when B is transposed: its pack cannot stream rows of B, and with the next block
    /// prefetched beside the packed one both must fit L2 (measured on Wᵀ of 32768→128: dx 172 → 190 GFLOP/s).</summary>
    private const int NcTransposed = 256;

    /// <summary>
    /// Operand size (floats of A, B and C together) from which the product prefetches in software: 8 MB, past which
    /// the operands mostly come from DRAM (the weight gradient of a 32768-input dense layer reads x and adds to dW,
    /// 16 MB each). Below it they sit in L3, where
    /// the prefetches only cost instructions (measured on 3072→128 at batch 128, `bench dense`: input gradient 220
    /// → 194–200 GFLOP/s and forward 205–215 → 198 with them).
    /// </summary>
    internal const long PrefetchFloats = 2L << 20;

    /// <summary>Whether the 512-bit micro-kernel is used (else 256-bit, else scalar).</summary>
    internal static readonly bool UseVector512 = Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    private static readonly bool UseVector256 = Vector256.IsHardwareAccelerated;

    /// <summary>Columns of one register tile: two vectors.</summary>
    internal static readonly int Nr = UseVector512 ? 32 : UseVector256 ? 16 : 8;

    [ThreadStatic]
    private static float[]? t_packedA;

    [ThreadStatic]
    private static float[]? t_packedB;

    /// <summary>Multiplies <c>op(A)·op(B)</c> into (or onto) C.</summary>
    /// <param name="a">Shape: [m, k] when not transposed, [k, m] when <paramref name="transposeA"/>.</param>
    /// <param name="b">Shape: [k, n] when not transposed, [n, k] when <paramref name="transposeB"/>.</param>
    /// <param name="c">Shape: [m, n].</param>
    /// <param name="accumulate">Add to C (true) or overwrite it (false).</param>
    public static void Multiply(
        ReadOnlySpan<float> a,
        bool transposeA,
        ReadOnlySpan<float> b,
        bool transposeB,
        int m,
        int n,
        int k,
        Span<float> c,
        bool accumulate)
    {
        MultiplyColumns(a, transposeA, b, transposeB, m, n, k, c, accumulate, 0, n);
    }

    /// <summary>Like <see cref="Multiply"/> but only for the columns [<paramref name="columnStart"/>,
    /// <paramref name="columnEnd"/>) of C; used to split one product across threads.</summary>
    public static void MultiplyColumns(
        ReadOnlySpan<float> a,
        bool transposeA,
        ReadOnlySpan<float> b,
        bool transposeB,
        int m,
        int n,
        int k,
        Span<float> c,
        bool accumulate,
        int columnStart,
        int columnEnd)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException($"Gemm buffers too small for m={m}, n={n}, k={k}.");
        }
        if (m == 0 || columnEnd <= columnStart)
        {
            return;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                for (var i = 0; i < m; i++)
                {
                    c.Slice(i * n + columnStart, columnEnd - columnStart).Clear();
                }
            }
            return;
        }
        var nr = Nr;
        var prefetch = Sse.IsSupported && (long)m * k + (long)k * n + (long)m * n >= PrefetchFloats;
        var packedA = t_packedA ??= GC.AllocateUninitializedArray<float>(Mc * Kc + 8, pinned: true);
        var packedB = t_packedB ??= GC.AllocateUninitializedArray<float>((Nc + 32) * Kc, pinned: true);
        fixed (float* pa = a, pb = b, pc = c, packA = packedA, packB = packedB)
        {
            var ncBlock = transposeB ? NcTransposed : Nc;
            for (var jc = columnStart; jc < columnEnd; jc += ncBlock)
            {
                var nc = Math.Min(ncBlock, columnEnd - jc);
                for (var pcIndex = 0; pcIndex < k; pcIndex += Kc)
                {
                    var kc = Math.Min(Kc, k - pcIndex);
                    var store = !accumulate && pcIndex == 0;
                    PackB(pb, transposeB, n, k, pcIndex, kc, jc, nc, nr, packB);
                    var bAhead = prefetch ? NextB(pb, transposeB, m, n, k, jc, nc, ncBlock, pcIndex, columnEnd, nr) : default;
                    // A is read in place (row stride, column stride): the micro-kernel broadcasts its entries one
                    // by one anyway, so packing A would only copy it, which costs as much as the product when N is
                    // as small as a layer width.
                    // A transposed is the exception: its column stride is a whole row of M floats, so every step
                    // of K would touch a new page; a block of it is packed into MR-wide strips first.
                    for (var ic = 0; ic < m; ic += Mc)
                    {
                        var mcCount = Math.Min(Mc, m - ic);
                        var ahead = default(NextBlock);
                        if (transposeA)
                        {
                            PackTransposedA(pa, m, ic, mcCount, pcIndex, kc, packA);
                            if (prefetch && ic + Mc < m)
                            {
                                var nextMc = Math.Min(Mc, m - ic - Mc);
                                ahead = new NextBlock(
                                    pa + (long)pcIndex * m + ic + Mc, m, kc, nextMc,
                                    pc + (long)(ic + Mc) * n + jc, n, nextMc, nc,
                                    CeilDiv(nc, nr) * CeilDiv(mcCount, Mr));
                            }
                        }
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var nrCount = Math.Min(nr, nc - jr);
                            var bPanel = packB + jr * kc;
                            for (var ir = 0; ir < mcCount; ir += Mr)
                            {
                                var mrCount = Math.Min(Mr, mcCount - ir);
                                var cTile = pc + (long)(ic + ir) * n + jc + jr;
                                bAhead.Step();
                                if (transposeA)
                                {
                                    ahead.Step();
                                    MicroKernel(kc, packA + ir * kc, 1, Mr, bPanel, cTile, n, mrCount, nrCount, store);
                                }
                                else
                                {
                                    if (prefetch && jr + nr < nc)
                                    {
                                        PrefetchTile(cTile + nr, n, mrCount);
                                    }
                                    MicroKernel(kc, pa + (long)(ic + ir) * k + pcIndex, k, 1, bPanel, cTile, n, mrCount, nrCount, store);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Prefetch of the B block after (<paramref name="jc"/>, <paramref name="pc"/>), to be read by the next
    /// PackB, spread over all micro-kernel calls of the current block: packing a DRAM-sized B (Wᵀ of a 32768-input
    /// layer) otherwise streams it while nothing computes.</summary>
    private static NextBlock NextB(float* b, bool transposeB, int m, int n, int k, int jc, int nc, int ncBlock, int pc, int columnEnd, int nr)
    {
        int jcNext, pcNext, ncNext;
        if (pc + Kc < k)
        {
            (jcNext, pcNext, ncNext) = (jc, pc + Kc, nc);
        }
        else if (jc + ncBlock < columnEnd)
        {
            (jcNext, pcNext, ncNext) = (jc + ncBlock, 0, Math.Min(ncBlock, columnEnd - jc - ncBlock));
        }
        else
        {
            return default;
        }
        var kcNext = Math.Min(Kc, k - pcNext);
        var strips = m / Mc * (Mc / Mr) + CeilDiv(m % Mc, Mr);
        var calls = CeilDiv(nc, nr) * strips;
        return transposeB
            ? new NextBlock(b + (long)jcNext * k + pcNext, k, ncNext, kcNext, null, 0, 0, 0, calls)
            : new NextBlock(b + (long)pcNext * n + jcNext, n, kcNext, ncNext, null, 0, 0, 0, calls);
    }

    /// <summary>Plain triple loop: the reference the blocked kernel is tested against.</summary>
    public static void MultiplyReference<T>(
        ReadOnlySpan<T> a,
        bool transposeA,
        ReadOnlySpan<T> b,
        bool transposeB,
        int m,
        int n,
        int k,
        Span<T> c,
        bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = T.Zero;
                for (var p = 0; p < k; p++)
                {
                    var av = transposeA ? a[p * m + i] : a[i * k + p];
                    var bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    /// <summary>Packs rows [ic, ic+mc) × K range [pc, pc+kc) of op(A) = Aᵀ (A stored [k, m]) into MR-wide strips,
    /// zero-padded: strip s holds, for each p, the MR values op(A)[ic + s·MR + r, pc + p].</summary>
    private static void PackTransposedA(float* a, int m, int ic, int mc, int pc, int kc, float* packed)
    {
        for (var ir = 0; ir < mc; ir += Mr)
        {
            var rows = Math.Min(Mr, mc - ir);
            var dst = packed + ir * kc;
            if (rows == Mr && ic + ir + 8 <= m && Vector256.IsHardwareAccelerated)
            {
                // Eight floats copied per step, six kept: the two extra land in the next step's slot (and, for the
                // last step, in the slack after the buffer's end) before being overwritten.
                for (var p = 0; p < kc; p++)
                {
                    Vector256.Load(a + (long)(pc + p) * m + ic + ir).Store(dst + p * Mr);
                }
                continue;
            }
            for (var p = 0; p < kc; p++)
            {
                var src = a + (long)(pc + p) * m + ic + ir;
                var d = dst + p * Mr;
                for (var r = 0; r < rows; r++)
                {
                    d[r] = src[r];
                }
                for (var r = rows; r < Mr; r++)
                {
                    d[r] = 0f;
                }
            }
        }
    }

    /// <summary>Asks for the C tile one panel to the right, which the micro-kernel adds to one pass of the ir loop
    /// later: C rows lie a whole row of N apart, so for a wide C (dx of a 32768-input layer) no hardware
    /// prefetcher follows them and each tile would wait on DRAM after its K loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = c + (long)r * ldc;
            Sse.Prefetch1(row);
            Sse.Prefetch1(row + 16);
        }
    }

    /// <summary>Packs K range [pc, pc+kc) × columns [jc, jc+nc) of op(B) into NR-wide panels, zero-padded.</summary>
    private static void PackB(float* b, bool transposeB, int n, int k, int pc, int kc, int jc, int nc, int nr, float* packed)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var dst = packed + jr * kc;
            if (!transposeB)
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = b + (long)(pc + p) * n + jc + jr;
                    var d = dst + p * nr;
                    if (cols == nr)
                    {
                        Buffer.MemoryCopy(src, d, nr * sizeof(float), nr * sizeof(float));
                    }
                    else
                    {
                        for (var j = 0; j < cols; j++)
                        {
                            d[j] = src[j];
                        }
                        for (var j = cols; j < nr; j++)
                        {
                            d[j] = 0f;
                        }
                    }
                }
            }
            else if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
            {
                PackTransposedPanel(b + (long)(jc + jr) * k + pc, k, kc, nr, dst);
            }
            else
            {
                for (var j = 0; j < nr; j++)
                {
                    if (j < cols)
                    {
                        var src = b + (long)(jc + jr + j) * k + pc;
                        for (var p = 0; p < kc; p++)
                        {
                            dst[p * nr + j] = src[p];
                        }
                    }
                    else
                    {
                        for (var p = 0; p < kc; p++)
                        {
                            dst[p * nr + j] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One full panel of Bᵀ: <paramref name="nr"/> rows of B (each <paramref name="k"/> floats apart, read along K)
    /// become <paramref name="kc"/> rows of <paramref name="nr"/> floats, by 8×8 register transposes; the K tail
    /// that is not a multiple of 8 is copied element by element.
    /// </summary>
    private static void PackTransposedPanel(float* source, int k, int kc, int nr, float* dst)
    {
        var p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            for (var j = 0; j < nr; j += 8)
            {
                var row = source + (long)j * k + p;
                var r0 = Avx.LoadVector256(row);
                var r1 = Avx.LoadVector256(row + k);
                var r2 = Avx.LoadVector256(row + 2L * k);
                var r3 = Avx.LoadVector256(row + 3L * k);
                var r4 = Avx.LoadVector256(row + 4L * k);
                var r5 = Avx.LoadVector256(row + 5L * k);
                var r6 = Avx.LoadVector256(row + 6L * k);
                var r7 = Avx.LoadVector256(row + 7L * k);
                var t0 = Avx.UnpackLow(r0, r1);
                var t1 = Avx.UnpackHigh(r0, r1);
                var t2 = Avx.UnpackLow(r2, r3);
                var t3 = Avx.UnpackHigh(r2, r3);
                var t4 = Avx.UnpackLow(r4, r5);
                var t5 = Avx.UnpackHigh(r4, r5);
                var t6 = Avx.UnpackLow(r6, r7);
                var t7 = Avx.UnpackHigh(r6, r7);
                var u0 = Avx.Shuffle(t0, t2, 0x44);
                var u1 = Avx.Shuffle(t0, t2, 0xEE);
                var u2 = Avx.Shuffle(t1, t3, 0x44);
                var u3 = Avx.Shuffle(t1, t3, 0xEE);
                var u4 = Avx.Shuffle(t4, t6, 0x44);
                var u5 = Avx.Shuffle(t4, t6, 0xEE);
                var u6 = Avx.Shuffle(t5, t7, 0x44);
                var u7 = Avx.Shuffle(t5, t7, 0xEE);
                var d = dst + (long)p * nr + j;
                Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
                Avx.Store(d + nr, Avx.Permute2x128(u1, u5, 0x20));
                Avx.Store(d + 2 * nr, Avx.Permute2x128(u2, u6, 0x20));
                Avx.Store(d + 3 * nr, Avx.Permute2x128(u3, u7, 0x20));
                Avx.Store(d + 4 * nr, Avx.Permute2x128(u0, u4, 0x31));
                Avx.Store(d + 5 * nr, Avx.Permute2x128(u1, u5, 0x31));
                Avx.Store(d + 6 * nr, Avx.Permute2x128(u2, u6, 0x31));
                Avx.Store(d + 7 * nr, Avx.Permute2x128(u3, u7, 0x31));
            }
        }
        for (; p < kc; p++)
        {
            for (var j = 0; j < nr; j++)
            {
                dst[p * nr + j] = source[(long)j * k + p];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(int kc, float* a, int rowStride, int columnStride, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        // Rows past the edge of A re-read row 0 (valid memory); their results are never written.
        var a0 = a;
        var a1 = rows > 1 ? a + rowStride : a;
        var a2 = rows > 2 ? a + 2L * rowStride : a;
        var a3 = rows > 3 ? a + 3L * rowStride : a;
        var a4 = rows > 4 ? a + 4L * rowStride : a;
        var a5 = rows > 5 ? a + 5L * rowStride : a;
        if (UseVector512)
        {
            MicroKernel512(kc, a0, a1, a2, a3, a4, a5, columnStride, b, c, ldc, rows, cols, store);
        }
        else if (UseVector256)
        {
            MicroKernel256(kc, a0, a1, a2, a3, a4, a5, columnStride, b, c, ldc, rows, cols, store);
        }
        else
        {
            MicroKernelScalar(kc, [(nint)a0, (nint)a1, (nint)a2, (nint)a3, (nint)a4, (nint)a5], columnStride, b, c, ldc, rows, cols, store);
        }
    }

    private static void MicroKernel512(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, int columnStride, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long offset = 0;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a0[offset]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a1[offset]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a2[offset]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a3[offset]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[offset]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a5[offset]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            offset += columnStride;
            b += 32;
        }
        if (rows == Mr && cols == 32)
        {
            Write512(c, c00, c01, store);
            Write512(c + ldc, c10, c11, store);
            Write512(c + 2 * ldc, c20, c21, store);
            Write512(c + 3 * ldc, c30, c31, store);
            Write512(c + 4 * ldc, c40, c41, store);
            Write512(c + 5 * ldc, c50, c51, store);
            return;
        }
        var tile = stackalloc float[Mr * 32];
        c00.Store(tile);
        c01.Store(tile + 16);
        c10.Store(tile + 32);
        c11.Store(tile + 48);
        c20.Store(tile + 64);
        c21.Store(tile + 80);
        c30.Store(tile + 96);
        c31.Store(tile + 112);
        c40.Store(tile + 128);
        c41.Store(tile + 144);
        c50.Store(tile + 160);
        c51.Store(tile + 176);
        WriteEdge(tile, 32, c, ldc, rows, cols, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write512(float* c, Vector512<float> lo, Vector512<float> hi, bool store)
    {
        if (store)
        {
            lo.Store(c);
            hi.Store(c + 16);
        }
        else
        {
            (Vector512.Load(c) + lo).Store(c);
            (Vector512.Load(c + 16) + hi).Store(c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write256(float* c, Vector256<float> lo, Vector256<float> hi, bool store)
    {
        if (store)
        {
            lo.Store(c);
            hi.Store(c + 8);
        }
        else
        {
            (Vector256.Load(c) + lo).Store(c);
            (Vector256.Load(c + 8) + hi).Store(c + 8);
        }
    }

    private static void MicroKernel256(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, int columnStride, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long offset = 0;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a0[offset]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a1[offset]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a2[offset]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[offset]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a4[offset]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a5[offset]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            offset += columnStride;
            b += 16;
        }
        // Full tiles are written straight from the registers, as in the 512-bit kernel: with only 16 ymm
        // registers, a stackalloc (a helper call) on every path made the JIT keep all twelve accumulators in
        // memory through the K loop (32 GFLOP/s instead of ~100).
        if (rows == Mr && cols == 16)
        {
            Write256(c, c00, c01, store);
            Write256(c + ldc, c10, c11, store);
            Write256(c + 2 * ldc, c20, c21, store);
            Write256(c + 3 * ldc, c30, c31, store);
            Write256(c + 4 * ldc, c40, c41, store);
            Write256(c + 5 * ldc, c50, c51, store);
            return;
        }
        var tile = stackalloc float[Mr * 16];
        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
        WriteEdge(tile, 16, c, ldc, rows, cols, store);
    }

    private static void MicroKernelScalar(int kc, ReadOnlySpan<nint> rowStarts, int columnStride, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        var tile = stackalloc float[Mr * 8];
        new Span<float>(tile, Mr * 8).Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var r = 0; r < Mr; r++)
            {
                var av = ((float*)rowStarts[r])[(long)p * columnStride];
                for (var j = 0; j < 8; j++)
                {
                    tile[r * 8 + j] = MathF.FusedMultiplyAdd(av, b[p * 8 + j], tile[r * 8 + j]);
                }
            }
        }
        WriteEdge(tile, 8, c, ldc, rows, cols, store);
    }

    private static void WriteEdge(float* tile, int width, float* c, int ldc, int rows, int cols, bool store)
    {
        for (var r = 0; r < rows; r++)
        {
            var dst = c + r * ldc;
            var src = tile + r * width;
            for (var j = 0; j < cols; j++)
            {
                dst[j] = store ? src[j] : dst[j] + src[j];
            }
        }
    }
}
