using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sweep.Grains.Telemetry;

/// <summary>
/// Sweep's own traces and metrics. One trace per trial attempt: "trial" with child spans "lease", "train",
/// "checkpoint" and "result"; the metrics count trials and measure throughput and checkpoint cost.
/// </summary>
public static class SweepTelemetry
{
    /// <summary>Name of the ActivitySource and of the Meter.</summary>
    public const string Name = "Sweep";

    /// <summary>Logger category of the lines an operator watches: joins, dead peers, takeovers, store outages.</summary>
    public const string ClusterLogCategory = "Sweep.Cluster";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly UpDownCounter<int> TrialsRunning =
        Meter.CreateUpDownCounter<int>("sweep.trials.running", description: "Trials training on this silo now");

    public static readonly Counter<int> TrialsCompleted =
        Meter.CreateCounter<int>("sweep.trials.completed", description: "Trials that ended Completed or Diverged");

    public static readonly Counter<int> TrialsFailed =
        Meter.CreateCounter<int>("sweep.trials.failed", description: "Trials that ended Failed");

    public static readonly Histogram<double> ImagesPerSecond =
        Meter.CreateHistogram<double>("sweep.train.images_per_second", "{image}/s", "Training throughput of a trial, sampled with its progress");

    public static readonly Histogram<double> CheckpointSeconds =
        Meter.CreateHistogram<double>("sweep.checkpoint.duration", "s", "Time to write one checkpoint to the store");

    public static readonly Histogram<long> CheckpointBytes =
        Meter.CreateHistogram<long>("sweep.checkpoint.size", "By", "Size of one checkpoint");
}
