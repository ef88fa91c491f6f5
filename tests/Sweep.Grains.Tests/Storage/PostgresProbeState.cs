namespace Sweep.Grains.Tests.Storage;

/// <summary>State of <see cref="PostgresProbeGrain"/>.</summary>
[GenerateSerializer]
public sealed class PostgresProbeState
{
    [Id(0)]
    public int Value { get; set; }
}
