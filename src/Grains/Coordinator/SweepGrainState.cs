namespace Sweep.Grains.Coordinator;

/// <summary>The coordinator's durable state: small on purpose (the store holds trials and results).</summary>
[GenerateSerializer]
public sealed class SweepGrainState
{
    [Id(0)] public bool Cancelled { get; set; }

    [Id(1)] public string? GridHash { get; set; }
}
