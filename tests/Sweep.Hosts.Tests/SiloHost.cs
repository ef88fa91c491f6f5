using System.Diagnostics;

namespace Sweep.Hosts.Tests;

/// <summary>A silo running on a simulated host through <c>deploy/silo-host.sh run</c>; <see cref="Process"/> is the silo itself.</summary>
public sealed record SiloHost(string Host, string Address, Process Process, string Log)
{
    public string HealthEndpoint => $"{Address}:8090";
}
