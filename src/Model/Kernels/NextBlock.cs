using System.Runtime.Intrinsics.X86;

namespace Sweep.Model.Kernels;

/// <summary>
/// Software prefetch of the next M block of a <see cref="Gemm"/> with A transposed, spread over the micro-kernel
/// calls of the current block. When Aᵀ is the input of a wide dense layer (x is [batch, 32768], so each K step of
/// the pack touches a new page) and C its weight gradient (16 MB, accumulated), no hardware prefetcher follows
/// either; without this the pack and the C updates wait on DRAM in turn. A few lines per call keep the misses in
/// flight without filling the load queue, which one burst of hundreds of prefetches would do.
/// </summary>
internal unsafe struct NextBlock
{
    private const int FloatsPerLine = 16;

    private readonly float* _a;
    private readonly long _aStride;
    private readonly int _aLinesPerRow;
    private readonly int _aLines;
    private readonly float* _c;
    private readonly long _cStride;
    private readonly int _cLinesPerRow;
    private readonly int _lines;
    private readonly int _calls;
    private int _call;
    private int _issued;
    private float* _rowStart;
    private float* _next;
    private long _stride;
    private int _linesPerRow;
    private int _lineInRow;

    /// <param name="a">Aᵀ, stored [k, m].</param>
    /// <param name="m">Row length of the stored Aᵀ.</param>
    /// <param name="ic">First row of op(A) in the next block.</param>
    /// <param name="mc">Rows of op(A) in the next block.</param>
    /// <param name="pc">First K index of the block.</param>
    /// <param name="kc">K range of the block.</param>
    /// <param name="c">C, [m, n], or null when C is overwritten rather than added to.</param>
    /// <param name="n">Row length of C.</param>
    /// <param name="jc">First column of the block.</param>
    /// <param name="nc">Columns of the block.</param>
    /// <param name="calls">Micro-kernel calls of the current block to spread the prefetches over.</param>
    public NextBlock(float* a, int m, int ic, int mc, int pc, int kc, float* c, int n, int jc, int nc, int calls)
    {
        _a = a + (long)pc * m + ic;
        _aStride = m;
        _aLinesPerRow = (mc + FloatsPerLine - 1) / FloatsPerLine;
        _aLines = kc * _aLinesPerRow;
        _c = c == null ? null : c + (long)ic * n + jc;
        _cStride = n;
        _cLinesPerRow = (nc + FloatsPerLine - 1) / FloatsPerLine;
        _lines = _aLines + (c == null ? 0 : mc * _cLinesPerRow);
        _calls = calls;
        _rowStart = _a;
        _next = _a;
        _stride = _aStride;
        _linesPerRow = _aLinesPerRow;
    }

    /// <summary>Issues this call's share of the prefetches (nothing for a default instance).</summary>
    public void Step()
    {
        if (_call >= _calls)
        {
            return;
        }
        _call++;
        var until = (int)((long)_lines * _call / _calls);
        for (; _issued < until; _issued++)
        {
            // A cursor walks the A lines row by row, then the C lines: no division per line.
            Sse.Prefetch1(_next);
            _next += FloatsPerLine;
            if (++_lineInRow == _linesPerRow)
            {
                _lineInRow = 0;
                _rowStart += _stride;
                if (_issued + 1 == _aLines && _c != null)
                {
                    _rowStart = _c;
                    _stride = _cStride;
                    _linesPerRow = _cLinesPerRow;
                }
                _next = _rowStart;
            }
        }
    }
}
