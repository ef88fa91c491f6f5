using System.Collections.Immutable;

namespace Sweep.Grains.Search;

/// <summary>
/// The rules of successive halving over a fixed set of trials, and nothing else: which step a trial stops at next,
/// and what happens to it there. Pure and single-threaded (the coordinator grain owns one); the coordinator records
/// every <see cref="RungCall"/> it returns and replays them with <see cref="Restore"/> after a restart.
/// <para>
/// Asynchronous (ASHA, Li et al. 2020): a trial that reaches rung k goes on when it is among the best
/// max(1, ⌊n/η⌋) of the n trials that have reached rung k so far, itself included; otherwise it is pruned at once.
/// Promotion never waits for stragglers, so decisions depend on arrival order. (Optuna's pruner makes the same
/// allowance of one for the first η − 1 arrivals.)
/// </para>
/// <para>
/// Synchronous: every trial that reaches rung k pauses there. When the rung is full — every trial of the sweep has
/// reached it or ended before it — the best max(1, ⌊n/η⌋) are promoted and the rest pruned. The decisions depend only
/// on the metrics at the rung, so the same grid and seeds prune the same trials on every run.
/// </para>
/// Ranking is by metric, best first (higher is better for <c>devAccuracy</c>), ties by trial id (ordinal), so a
/// ranking never depends on timing. A NaN metric ranks last.
/// </summary>
public sealed class SuccessiveHalving
{
    private readonly AshaSettings _settings;
    private readonly IReadOnlyList<int> _rungs;
    private readonly HashSet<string> _trials;
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, RungCall>> _arrivals;

    public SuccessiveHalving(AshaSettings settings, IEnumerable<string> trialIds)
    {
        _settings = settings;
        _rungs = settings.Rungs();
        _trials = new HashSet<string>(trialIds, StringComparer.Ordinal);
        _arrivals = [.. _rungs.Select(_ => new Dictionary<string, RungCall>(StringComparer.Ordinal))];
    }

    /// <summary>The rung steps, increasing, all below <see cref="AshaSettings.MaxSteps"/>.</summary>
    public IReadOnlyList<int> Rungs => _rungs;

    /// <summary>The step a trial trained up to <paramref name="fromStep"/> must stop at next, or null to run to the end.</summary>
    public int? NextStop(int fromStep)
    {
        foreach (var rung in _rungs)
        {
            if (rung > fromStep)
            {
                return rung;
            }
        }
        return null;
    }

    /// <summary>
    /// Where a trial whose newest checkpoint is at <paramref name="fromStep"/> must stop next to be judged: the first
    /// rung at or after it that has not promoted the trial already (a rung that decided to prune or pause it is
    /// reached again, to be told so); null to run to the end.
    /// </summary>
    public int? StopFor(string trialId, int fromStep)
    {
        Require(trialId);
        for (var k = 0; k < _rungs.Count; k++)
        {
            if (_rungs[k] < fromStep || Decided(trialId, k)?.Verdict == RungVerdict.Continue)
            {
                continue;
            }
            return _rungs[k];
        }
        return null;
    }

    /// <summary>The trial is paused at a rung that is not yet full (synchronous halving).</summary>
    public bool Waiting(string trialId) => _arrivals.Any(a => a.TryGetValue(trialId, out var c) && c.Verdict == RungVerdict.Pause);

    /// <summary>
    /// The decisions of every full rung still waiting: after <see cref="Restore"/> and <see cref="Ended"/> replayed
    /// a stored sweep, the rungs a coordinator had filled but not yet closed when it stopped.
    /// </summary>
    public IReadOnlyList<RungCall> Settle() => _settings.Synchronous ? CloseFullRungs() : [];

    /// <summary>The index of the rung at <paramref name="step"/>, or -1 when no rung is there.</summary>
    public int RungAt(int step)
    {
        for (var k = 0; k < _rungs.Count; k++)
        {
            if (_rungs[k] == step)
            {
                return k;
            }
        }
        return -1;
    }

    /// <summary>The decision already made for the trial at the rung, if any.</summary>
    public RungCall? Decided(string trialId, int rung) =>
        _arrivals[rung].TryGetValue(trialId, out var call) ? call : null;

    /// <summary>
    /// A trial reached <paramref name="rung"/> with <paramref name="metric"/>. Returns the decisions this makes: the
    /// arriving trial's own first, then (synchronous) those of every trial of a rung that is now full. A trial that
    /// arrives again at a rung it already reached (an attempt redone after a fault) gets the decision it had.
    /// </summary>
    public IReadOnlyList<RungCall> Arrive(string trialId, int rung, double metric)
    {
        Require(trialId);
        if (rung < 0 || rung >= _rungs.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(rung), rung, $"the sweep has rungs 0..{_rungs.Count - 1}");
        }
        if (Decided(trialId, rung) is { } earlier)
        {
            return [earlier];
        }
        var arrived = _arrivals[rung];
        if (_settings.Synchronous)
        {
            var standings = Standings(arrived.Values.Select(c => new RungStanding(c.TrialId, c.Metric)).Append(new RungStanding(trialId, metric)));
            var paused = new RungCall(trialId, rung, _rungs[rung], metric, RungVerdict.Pause, standings, Promotable(standings.Length));
            arrived[trialId] = paused;
            return [paused, .. CloseFullRungs()];
        }
        var seen = Standings(arrived.Values.Select(c => new RungStanding(c.TrialId, c.Metric)).Append(new RungStanding(trialId, metric)));
        var promotable = Promotable(seen.Length);
        var verdict = Allows(seen, promotable, trialId, RungVerdict.Continue) ? RungVerdict.Continue : RungVerdict.Prune;
        var call = new RungCall(trialId, rung, _rungs[rung], metric, verdict, seen, promotable);
        arrived[trialId] = call;
        if (verdict == RungVerdict.Prune)
        {
            _ended.Add(trialId);
        }
        return [call];
    }

    /// <summary>
    /// A trial ended without going on (completed, early-stopped, diverged, failed, cancelled or pruned). Returns the
    /// decisions of the synchronous rungs this makes full; none for asynchronous halving.
    /// </summary>
    public IReadOnlyList<RungCall> Ended(string trialId)
    {
        Require(trialId);
        return _ended.Add(trialId) && _settings.Synchronous ? CloseFullRungs() : [];
    }

    /// <summary>Replays a recorded decision (after a restart), without deciding anything.</summary>
    public void Restore(RungCall call)
    {
        Require(call.TrialId);
        _arrivals[call.Rung][call.TrialId] = call;
        if (call.Verdict == RungVerdict.Prune)
        {
            _ended.Add(call.TrialId);
        }
    }

    /// <summary>Best first: metric descending (NaN last), then trial id.</summary>
    public static ImmutableArray<RungStanding> Standings(IEnumerable<RungStanding> standings) =>
        [.. standings.OrderBy(s => s, RankOrder.Instance)];

    /// <summary>The 0-based place of <paramref name="trialId"/> in <paramref name="standings"/> (which are best first).</summary>
    public static int Rank(ImmutableArray<RungStanding> standings, string trialId)
    {
        for (var i = 0; i < standings.Length; i++)
        {
            if (string.Equals(standings[i].TrialId, trialId, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new ArgumentException($"{trialId} is not among the standings", nameof(trialId));
    }

    /// <summary>
    /// Whether <paramref name="verdict"/> for <paramref name="trialId"/> is what halving allows from these standings:
    /// go on exactly when among the best <paramref name="promotable"/>, else be pruned (or pause, when the rung is
    /// not yet full in synchronous halving).
    /// </summary>
    public static bool Allows(ImmutableArray<RungStanding> standings, int promotable, string trialId, RungVerdict verdict)
    {
        var inTop = Rank(standings, trialId) < promotable;
        return verdict switch
        {
            RungVerdict.Continue => inTop,
            RungVerdict.Prune => !inTop,
            RungVerdict.Pause => true,
            _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
        };
    }

    private int Promotable(int reached) => Math.Max(1, reached / _settings.ReductionFactor);

    /// <summary>Decides every full rung, lowest first, whose paused trials are still waiting.</summary>
    private List<RungCall> CloseFullRungs()
    {
        var calls = new List<RungCall>();
        for (var k = 0; k < _rungs.Count; k++)
        {
            var arrived = _arrivals[k];
            var waiting = arrived.Values.Any(c => c.Verdict == RungVerdict.Pause);
            if (!waiting || !IsFull(k))
            {
                continue;
            }
            var standings = Standings(arrived.Values.Select(c => new RungStanding(c.TrialId, c.Metric)));
            var promotable = Promotable(standings.Length);
            for (var place = 0; place < standings.Length; place++)
            {
                var before = arrived[standings[place].TrialId];
                if (before.Verdict != RungVerdict.Pause)
                {
                    continue;
                }
                var call = before with
                {
                    Verdict = place < promotable ? RungVerdict.Continue : RungVerdict.Prune,
                    Standings = standings,
                    Promotable = promotable,
                };
                arrived[call.TrialId] = call;
                if (call.Verdict == RungVerdict.Prune)
                {
                    _ended.Add(call.TrialId);
                }
                calls.Add(call);
            }
        }
        return calls;
    }

    /// <summary>Rung k is full when every trial has reached it or ended without reaching it.</summary>
    private bool IsFull(int rung) =>
        _trials.All(t => _arrivals[rung].ContainsKey(t) || _ended.Contains(t));

    private void Require(string trialId)
    {
        if (!_trials.Contains(trialId))
        {
            throw new ArgumentException($"{trialId} is not a trial of this search", nameof(trialId));
        }
    }

    private sealed class RankOrder : IComparer<RungStanding>
    {
        public static readonly RankOrder Instance = new();

        public int Compare(RungStanding? x, RungStanding? y)
        {
            var a = x!.Metric;
            var b = y!.Metric;
            var byMetric = (double.IsNaN(a), double.IsNaN(b)) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => -1,
                (false, false) => b.CompareTo(a),
            };
            return byMetric != 0 ? byMetric : string.CompareOrdinal(x.TrialId, y.TrialId);
        }
    }
}
