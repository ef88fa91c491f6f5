using System.Globalization;
using System.Runtime.InteropServices;

namespace Sweep.Client.Tests;

/// <summary>Sends a POSIX signal to a process: what Ctrl-C in a terminal does to the foreground process.</summary>
internal static partial class PosixSignals
{
    public const int Interrupt = 2;

    public const int Terminate = 15;

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("this test sends SIGINT through libc and reads /proc; it needs Linux");
        }
        var ignored = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = ulong.Parse(ignored["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if ((mask & (1UL << (signal - 1))) != 0)
        {
            throw new InvalidOperationException(
                $"process {pid} inherited signal {signal} as ignored (the test run was started in the background without job control); run the tests in the foreground");
        }
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
