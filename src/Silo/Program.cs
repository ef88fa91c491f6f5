using System.Runtime.InteropServices;
using Sweep.Grains.Hosting;

// A Sweep silo configured from the environment (see SiloEnvironment); stops gracefully on SIGINT/SIGTERM.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
await SweepHosting.RunUntilStoppedAsync(SiloEnvironment.Read(), stop.Token);
