using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>One class of the per-class table (paper Tables V, VII, IX): test count, F1 and area ratio.</summary>
public sealed record ClassSummary(int Label, string Name, int Count, SummaryStat? F1, SummaryStat? AreaRatio);
