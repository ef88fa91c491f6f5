using System.Collections.Immutable;
using System.Globalization;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Lifecycle;

namespace Sweep.Client;

/// <summary>
/// Follows a sweep until every trial has ended. On a terminal it redraws, at most once a second, one line per
/// running trial (step/steps, cost, dev accuracy, images/s) and an overall line with the ETA; when stdout is
/// redirected it prints one line per finished trial, so logs stay clean. The overall line counts paused and pruned
/// trials too, and in a successive-halving sweep how many reached and went past each rung.
/// </summary>
/// <param name="embedded">
/// This process hosts the only silo: a store that refuses writes (a full disk) stops the view with a one-line
/// error, as nothing else will fix it while it waits; on a cluster it is reported once and followed.
/// </param>
internal sealed class ProgressView(CliConsole console, IGrainFactory grains, ISweepStore store, string sweepId, bool embedded = false)
{
    private static readonly TimeSpan UnreachableLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StoreProblemLimit = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private int _drawnLines;
    private IReadOnlyList<int> _rungs = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var coordinator = grains.GetGrain<ISweepGrain>(sweepId);
        var first = true;
        var failingSince = (DateTime?)null;
        var storeProblemSince = (DateTime?)null;
        if (await store.GetSweepAsync(sweepId, cancellationToken) is { } sweep)
        {
            _rungs = SweepSearch.Rungs(SweepSearch.Of(sweep));
        }
        while (true)
        {
            SweepSummary summary;
            ImmutableArray<TrialSnapshot> trials;
            IReadOnlyDictionary<string, LeaderboardRow> rows;
            try
            {
                summary = await coordinator.GetSummaryAsync();
                trials = await coordinator.GetTrialsAsync();
                rows = first ? new Dictionary<string, LeaderboardRow>() : await NewRowsAsync(trials, cancellationToken);
                failingSince = null;
            }
            catch (Exception ex) when (ClusterCalls.IsPassing(ex) && !cancellationToken.IsCancellationRequested)
            {
                // A silo died under the coordinator or the gateway, or the database restarts: the cluster recovers
                // on its own (and the store said what it waits for); keep asking.
                failingSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - failingSince > UnreachableLimit)
                {
                    throw new CliException($"sweep {sweepId}: the cluster has not answered for {UnreachableLimit.TotalSeconds:0} s ({SweepCli.OneLine(ex.Message)}); the sweep goes on, follow it with 'sweep status {sweepId}'");
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }
            await ReportFinishedAsync(summary, trials, rows, first);
            if (summary.StoreProblem is { } problem && summary.Running == 0)
            {
                if (storeProblemSince is null)
                {
                    Clear();
                    await console.Error.WriteLineAsync($"sweep: {problem}; no trial can start until it is fixed");
                }
                storeProblemSince ??= DateTime.UtcNow;
                if (embedded && DateTime.UtcNow - storeProblemSince > StoreProblemLimit)
                {
                    throw new CliException(
                        $"sweep {sweepId} stopped: {problem}; fix the store (free space, permissions) and run the same command again to resume from the checkpoints");
                }
            }
            else
            {
                storeProblemSince = null;
            }
            first = false;
            if (summary.IsFinished)
            {
                Clear();
                return;
            }
            if (console.IsTerminal)
            {
                Redraw(summary, trials);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// The stored rows of the trials that finished since the last look, read one by one: a query of the whole
    /// leaderboard every second would cost more the more trials have finished.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, LeaderboardRow>> NewRowsAsync(ImmutableArray<TrialSnapshot> trials, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, LeaderboardRow>(StringComparer.Ordinal);
        foreach (var trial in trials.Where(t => t.Status.IsFinished() && !_reported.Contains(t.TrialId)))
        {
            if (await store.GetResultAsync(trial.TrialId, cancellationToken) is { } result)
            {
                rows[trial.TrialId] = result.Row;
            }
        }
        return rows;
    }

    private async Task ReportFinishedAsync(SweepSummary summary, IReadOnlyList<TrialSnapshot> trials, IReadOnlyDictionary<string, LeaderboardRow> rows, bool first)
    {
        var finished = trials.Where(t => t.Status.IsFinished() && !_reported.Contains(t.TrialId)).ToList();
        if (finished.Count == 0)
        {
            return;
        }
        if (first)
        {
            // Trials finished by an earlier run are summarised, not listed.
            _reported.UnionWith(finished.Select(t => t.TrialId));
            return;
        }
        Clear();
        foreach (var trial in finished)
        {
            _reported.Add(trial.TrialId);
            var done = _reported.Count;
            var detail = rows.TryGetValue(trial.TrialId, out var row)
                ? $"dev {row.DevAccuracy:0.0000}  test {row.TestAccuracy:0.0000}  {row.Steps} steps  {row.WallSeconds:0.0}s"
                : "";
            var error = trial.Error is null ? "" : $"  error: {trial.Error}";
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{done}/{summary.Total}] {trial.TrialId}  {trial.Status.ToString().ToLowerInvariant()}  {detail}{error}").TrimEnd());
        }
    }

    private void Redraw(SweepSummary summary, IReadOnlyList<TrialSnapshot> trials)
    {
        Clear();
        var lines = summary.RunningTrials.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"  {p.TrialId}  step {p.Step}/{p.TotalSteps}  cost {p.BatchCost:0.000}  dev {p.DevAccuracy:0.000}  {p.ImagesPerSecond:0} img/s")).ToList();
        lines.AddRange(RungLines(_rungs, trials));
        lines.Add(OverallLine(summary));
        foreach (var line in lines)
        {
            console.Out.WriteLine(line);
        }
        _drawnLines = lines.Count;
    }

    /// <summary>
    /// <c>7/20 trials done, 4 running, 9 paused, 3 pruned, 0 pending, ETA 0:01:10</c>; paused and pruned are named once
    /// the sweep has any. Done: every trial that has ended (pruned included; paused ones have not).
    /// </summary>
    internal static string OverallLine(SweepSummary summary)
    {
        var done = summary.Total - summary.Pending - summary.Running - summary.Paused;
        var eta = summary.EtaSeconds is { } s ? TimeSpan.FromSeconds(Math.Ceiling(s)).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "estimating";
        var search = summary.Paused + summary.Pruned > 0 ? $", {summary.Paused} paused, {summary.Pruned} pruned" : string.Empty;
        return $"{done}/{summary.Total} trials done, {summary.Running} running{search}, {summary.Pending} pending, ETA {eta}";
    }

    /// <summary>
    /// One line per rung once a trial has reached it: <c>rung 50: 9 reached, 3 promoted, 4 paused, 2 pruned</c>.
    /// Reached: trained to the rung's step; promoted: trained past it.
    /// </summary>
    internal static IEnumerable<string> RungLines(IReadOnlyList<int> rungs, IReadOnlyList<TrialSnapshot> trials)
    {
        foreach (var rung in rungs)
        {
            var reached = trials.Count(t => t.Step >= rung);
            if (reached == 0)
            {
                continue;
            }
            var promoted = trials.Count(t => t.Step > rung);
            var paused = trials.Count(t => t.Step == rung && t.Status == TrialStatus.Paused);
            var pruned = trials.Count(t => t.Step == rung && t.Status == TrialStatus.Pruned);
            yield return $"rung {rung}: {reached} reached, {promoted} promoted, {paused} paused, {pruned} pruned";
        }
    }

    private void Clear()
    {
        if (_drawnLines > 0)
        {
            // Cursor up to the first drawn line, then erase to the end of the screen.
            console.Out.Write($"\u001b[{_drawnLines}F\u001b[J");
            _drawnLines = 0;
        }
    }
}
