using Sweep.Grains.Training;

namespace Sweep.Grains.Coordinator;

/// <summary>How a silo runs trials: its trainer slots, lease and reporting periods, and where catalog data lives.</summary>
public sealed class SweepRuntimeOptions
{
    /// <summary>Trials this silo trains at once (default: its cores).</summary>
    public int TrainerSlots { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Cores this silo's trials share (default: its cores). Cores the running trials did not ask for (fewer trials
    /// than cores, near a sweep's end) go to them as extra threads; see <see cref="CoreShares"/>.
    /// </summary>
    public int Cores { get; set; } = Environment.ProcessorCount;

    /// <summary>A lease not renewed for this long is given back to the queue (its silo is presumed dead).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a fresh coordinator waits for a trial the store says is running to report before handing it out
    /// again (it may still be training on a live silo). Zero for an embedded silo, which is alone.
    /// </summary>
    public TimeSpan RunningTrialGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running trial reports progress (which renews its lease).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an idle slot waits before asking for work again.</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The least time between two study report refreshes while a sweep runs.</summary>
    public TimeSpan StudyDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Root of the catalog datasets (<c>{DataDirectory}/mnist</c>, …).</summary>
    public string DataDirectory { get; set; } = Path.Combine(".sweep", "data");
}
