using System.Runtime.InteropServices;

namespace Sweep.Bench;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): on a machine shared with
/// other jobs, wall time mostly measures the scheduler, CPU time measures our code. Falls back to wall time where
/// the call is unavailable.
/// </summary>
internal static partial class CpuClock
{
    private const int ThreadCpuTime = 3;

    private static bool _available = OperatingSystem.IsLinux() && TryRead(out _);

    public static string Kind => _available ? "thread CPU time" : "wall time";

    /// <summary>Measure wall time instead (for a quiet machine, to compare with wall-clock figures).</summary>
    public static void UseWallTime() => _available = false;

    /// <summary>Seconds of CPU time of this thread (or of wall time when unavailable).</summary>
    public static double Now()
    {
        if (_available && TryRead(out var seconds))
        {
            return seconds;
        }
        return System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;
    }

    private static bool TryRead(out double seconds)
    {
        try
        {
            if (ClockGetTime(ThreadCpuTime, out var spec) == 0)
            {
                seconds = spec.Seconds + spec.Nanoseconds * 1e-9;
                return true;
            }
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
        seconds = 0;
        return false;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
