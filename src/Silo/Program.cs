using System.Runtime.InteropServices;
using Sweep.Grains.Hosting;

// A Sweep silo configured from the environment (see SiloEnvironment); stops gracefully on SIGINT/SIGTERM.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
try
{
    await SweepHosting.RunUntilStoppedAsync(SiloEnvironment.Read(), stop.Token);
}
catch (Sweep.Model.SweepUserException ex)
{
    // A setting or a store the operator can fix (SWEEP_* values, TLS files, a store in use, a migration): one
    // line, no stack trace.
    await Console.Error.WriteLineAsync($"sweep-silo: {ex.Message}");
    return 1;
}
return 0;
