using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;

namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>The JSON section of a result file. <paramref name="Error"/> is absent in files written before it existed (read as null).</summary>
internal sealed record ResultDocument(LeaderboardRow Row, Evaluation? Train, Evaluation? Dev, Evaluation? Test, string? Error = null);
