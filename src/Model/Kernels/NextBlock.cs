using System.Runtime.Intrinsics.X86;

namespace Sweep.Model.Kernels;

/// <summary>
/// Software prefetch (into L2) of the operands of a <see cref="Gemm"/>'s next block, spread over the micro-kernel
/// calls of the current one: up to two strided regions, each a number of rows of some floats. When the operands
/// are DRAM-sized (a dense layer with 32768 inputs: x is [batch, 32768], so each K step of the Aᵀ pack touches a
/// new page, and its gradient is 16 MB) no hardware prefetcher follows them; without this the packs and the C
/// updates wait on DRAM in turn. A few lines per call keep the misses in flight without filling the load queue,
/// which one burst of hundreds of prefetches would do.
/// </summary>
internal unsafe struct NextBlock
{
    private const int FloatsPerLine = 16;

    private readonly float* _second;
    private readonly long _secondStride;
    private readonly int _secondLinesPerRow;
    private readonly int _firstLines;
    private readonly int _lines;
    private readonly int _calls;
    private int _call;
    private int _issued;
    private float* _rowStart;
    private float* _next;
    private long _stride;
    private int _linesPerRow;
    private int _lineInRow;

    /// <param name="first">Start of the first region.</param>
    /// <param name="firstStride">Floats between its rows.</param>
    /// <param name="firstRows">Its rows.</param>
    /// <param name="firstRowFloats">Floats per row.</param>
    /// <param name="second">Start of the second region, or null for none.</param>
    /// <param name="secondStride">Floats between its rows.</param>
    /// <param name="secondRows">Its rows.</param>
    /// <param name="secondRowFloats">Floats per row.</param>
    /// <param name="calls">Micro-kernel calls of the current block to spread the prefetches over.</param>
    public NextBlock(float* first, long firstStride, int firstRows, int firstRowFloats, float* second, long secondStride, int secondRows, int secondRowFloats, int calls)
    {
        _linesPerRow = (firstRowFloats + FloatsPerLine - 1) / FloatsPerLine;
        _firstLines = firstRows * _linesPerRow;
        _second = second;
        _secondStride = secondStride;
        _secondLinesPerRow = (secondRowFloats + FloatsPerLine - 1) / FloatsPerLine;
        _lines = _firstLines + (second == null ? 0 : secondRows * _secondLinesPerRow);
        _calls = calls;
        _rowStart = first;
        _next = first;
        _stride = firstStride;
        if (_firstLines == 0)
        {
            SwitchToSecond();
        }
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
            // A cursor walks the first region's lines row by row, then the second's: no division per line.
            Sse.Prefetch1(_next);
            _next += FloatsPerLine;
            if (++_lineInRow == _linesPerRow)
            {
                _lineInRow = 0;
                _rowStart += _stride;
                if (_issued + 1 == _firstLines)
                {
                    SwitchToSecond();
                }
                _next = _rowStart;
            }
        }
    }

    private void SwitchToSecond()
    {
        _rowStart = _second;
        _next = _second;
        _stride = _secondStride;
        _linesPerRow = _secondLinesPerRow;
    }
}
