namespace Sweep.Grains.Studies.Statistics;

/// <summary>Paired bootstrap CI of the accuracy difference on the test set (see <see cref="PairedBootstrap"/>).</summary>
public sealed record BootstrapSummary(int Resamples, int Seed, double Difference, double CiLow, double CiHigh);
