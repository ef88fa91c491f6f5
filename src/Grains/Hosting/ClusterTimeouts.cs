using System.Globalization;
using Orleans.Configuration;

namespace Sweep.Grains.Hosting;

/// <summary>
/// The cluster's settable timeouts: their defaults, their allowed ranges, and how one failure-detection time maps
/// onto Orleans' membership settings.
/// </summary>
public static class ClusterTimeouts
{
    /// <summary>Lease of a running trial without a progress report (trials report every second).</summary>
    public static readonly TimeSpan DefaultLeaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// About as long as Orleans' own settings take when probes time out at their initial 5 s (3 missed, then two
    /// silos' votes); Orleans' adaptive probe timeout can stretch its own default to a minute.
    /// </summary>
    public static readonly TimeSpan DefaultFailureDetection = TimeSpan.FromSeconds(15);

    /// <summary>A client's wait for a grain call; Orleans' 30 s made a call to a just-killed silo hang that long.</summary>
    public static readonly TimeSpan DefaultClientResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Probes a silo may miss before it is suspected (Orleans' default, kept).</summary>
    private const int MissedProbes = 3;

    public static readonly (double Min, double Max) LeaseRange = (2, 3600);
    public static readonly (double Min, double Max) FailureDetectionRange = (3, 600);
    public static readonly (double Min, double Max) ResponseRange = (1, 600);

    /// <summary>
    /// <paramref name="text"/> as a number of seconds within <paramref name="range"/>, else an exception whose message
    /// is one line naming <paramref name="name"/> (the option or variable), the value and what is allowed.
    /// </summary>
    public static TimeSpan? ParseSeconds(string name, string? text, (double Min, double Max) range)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            throw new ArgumentException($"{name}: '{text}' is not a number of seconds; expected {range.Min}–{range.Max}, e.g. {name} {range.Min * 5}");
        }
        return Seconds(name, seconds, range);
    }

    /// <summary>A number of seconds within <paramref name="range"/>, else a one-line error naming the setting.</summary>
    public static TimeSpan Seconds(string name, double seconds, (double Min, double Max) range) =>
        seconds >= range.Min && seconds <= range.Max
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException(FormattableString.Invariant($"{name}: {seconds} s is out of range; expected {range.Min}–{range.Max} seconds"));

    /// <summary>
    /// Membership settings for a failure-detection time <paramref name="detection"/>: a silo that answers no probe
    /// for that long is suspected by each prober (three missed probes, each timing out after at most detection / 3:
    /// Orleans adapts the probe timeout to observed response times, by default up to four times its initial value,
    /// which made a 5 s setting take 20 s), the votes stay valid long enough for a second prober to add its own,
    /// and every silo rereads the membership table at least that often, so a declaration that gossip missed
    /// reaches it within the same time.
    /// </summary>
    public static void Apply(ClusterMembershipOptions membership, TimeSpan detection)
    {
        membership.NumMissedProbesLimit = MissedProbes;
        membership.MaxProbeTimeout = detection / MissedProbes;
        membership.ProbeTimeout = detection / (2 * MissedProbes);
        membership.MinProbeTimeout = detection / (4 * MissedProbes);
        membership.TableRefreshTimeout = detection;
        membership.DeathVoteExpirationTimeout = detection * 4;
    }
}
