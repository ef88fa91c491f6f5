using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;
using Sweep.Grains.Views;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Client.Dashboard;

/// <summary>
/// What the API serves, read through <see cref="ISweepStore"/> with the CLI's own types and queries, so every
/// value equals what <c>sweep status|trials|leaderboard|study --format json</c> prints.
/// </summary>
internal sealed class DashboardViews(ISweepStore store, SweepRateTracker rates)
{
    /// <summary>How long one read of a sweep's statuses serves as the version of all its views (a page polls several).</summary>
    private static readonly TimeSpan VersionReuse = TimeSpan.FromMilliseconds(500);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long ReadAt, Task<string> Version)> _versions = new(StringComparer.Ordinal);

    /// <summary><c>sweep status --format json</c>'s rows, each with <c>stepsDone</c>, <c>stepsTotal</c> and <c>etaSeconds</c>.</summary>
    public async Task<JsonArray> SweepsAsync(CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        foreach (var sweep in await store.ListSweepsAsync(cancellationToken))
        {
            list.Add(await SweepNodeAsync(sweep, cancellationToken));
        }
        return list;
    }

    /// <summary>The sweep's status row and progress, with the grid's axes and study plan; null if unknown.</summary>
    public async Task<JsonObject?> SweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(sweepId, cancellationToken);
        if (sweep is null)
        {
            return null;
        }
        var node = await SweepNodeAsync(sweep, cancellationToken);
        node["datasets"] = Array(sweep.Trials.Select(t => t.Dataset.Name).Distinct());
        node["architectures"] = Array(sweep.Trials.Select(t => t.Architecture).Distinct());
        node["filters"] = Array(sweep.Trials.Select(t => t.Filters).Distinct().Order());
        node["learningRates"] = Array(sweep.Trials.Select(t => t.LearningRate).Distinct().Order());
        node["seeds"] = Array(sweep.Trials.Select(t => t.Seed).Distinct().Order());
        node["studies"] = JsonSerializer.SerializeToNode(sweep.Studies, ViewJson.Options);
        return node;
    }

    /// <summary><c>sweep trials --format json</c>; null if the sweep is unknown.</summary>
    public async Task<IReadOnlyList<TrialRow>?> TrialsAsync(string sweepId, CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(sweepId, cancellationToken);
        if (sweep is null)
        {
            return null;
        }
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var results = (await store.QueryLeaderboardAsync(new LeaderboardQuery(SweepId: sweepId), cancellationToken))
            .ToDictionary(r => r.TrialId, StringComparer.Ordinal);
        var errors = await store.GetTrialErrorsAsync(sweepId, cancellationToken);
        var rungs = SweepSearch.Rungs(SweepSearch.Of(sweep));
        return sweep.Trials.Select(t =>
        {
            if (results.TryGetValue(t.TrialId, out var row))
            {
                return TrialRow.From(row, errors.GetValueOrDefault(t.TrialId));
            }
            var (status, steps) = statuses.TryGetValue(t.TrialId, out var s) ? s : (TrialStatus.Pending, 0);
            return TrialRow.Unfinished(t, status, steps);
        }).Select(r => r.OnRungs(rungs)).ToList();
    }

    /// <summary><c>sweep leaderboard --format json</c> for the query: the ranked rows, then the pruned ones.</summary>
    public async Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken) =>
        (await RankedLeaderboard.ReadAsync(store, query, cancellationToken)).Rows;

    /// <summary>
    /// One trial: its row, configuration, final evaluations (confusion matrix, per-class scores), newest checkpoint
    /// and error; null if no sweep lists it.
    /// </summary>
    public async Task<JsonObject?> TrialAsync(string trialId, CancellationToken cancellationToken)
    {
        var spec = await SpecAsync(trialId, cancellationToken);
        if (spec is null)
        {
            return null;
        }
        var result = await store.GetResultAsync(trialId, cancellationToken);
        TrialRow row;
        if (result is not null)
        {
            row = TrialRow.From(result.Row, result.Error);
        }
        else
        {
            var statuses = await store.GetTrialStatusesAsync(spec.SweepId, cancellationToken);
            var (status, steps) = statuses.TryGetValue(trialId, out var s) ? s : (TrialStatus.Pending, 0);
            row = TrialRow.Unfinished(spec, status, steps);
        }
        if (await store.GetSweepAsync(spec.SweepId, cancellationToken) is { } owner)
        {
            row = row.OnRungs(SweepSearch.Rungs(SweepSearch.Of(owner)));
        }
        var checkpoint = await store.LoadCheckpointAsync(trialId, cancellationToken);
        var node = new JsonObject
        {
            ["trial"] = JsonSerializer.SerializeToNode(row, ViewJson.Options),
            ["config"] = Config(spec),
            ["train"] = JsonSerializer.SerializeToNode(result?.Train, ViewJson.Options),
            ["dev"] = JsonSerializer.SerializeToNode(result?.Dev, ViewJson.Options),
            ["test"] = JsonSerializer.SerializeToNode(result?.Test, ViewJson.Options),
            ["checkpoint"] = checkpoint is null ? null : new JsonObject
            {
                ["step"] = checkpoint.Step,
                ["savedAt"] = checkpoint.SavedAt,
                ["bytes"] = checkpoint.Data.Length,
            },
            ["error"] = result?.Error,
        };
        return node;
    }

    /// <summary>The trial's configuration; <c>training.checkpointEvery</c> is a step count, or "auto" as in the grid.</summary>
    private static JsonNode Config(TrialSpec spec)
    {
        var config = JsonSerializer.SerializeToNode(new
        {
            dataset = spec.Dataset,
            spec.Architecture,
            spec.ArchitectureText,
            spec.Filters,
            spec.LearningRate,
            spec.Seed,
            spec.Training,
        }, ViewJson.Options)!;
        if (spec.Training.HasAutoCheckpoints)
        {
            config["training"]!["checkpointEvery"] = TrainingSettings.AutoCheckpointEveryKeyword;
        }
        return config;
    }

    /// <summary>
    /// The learning curve: the stored one of a finished trial, else the one in the newest checkpoint (a running
    /// trial's curve grows as checkpoints land), else empty; null if no sweep lists the trial.
    /// </summary>
    public async Task<IReadOnlyList<CurvePoint>?> CurveAsync(string trialId, CancellationToken cancellationToken)
    {
        if (await SpecAsync(trialId, cancellationToken) is null)
        {
            return null;
        }
        var result = await store.GetResultAsync(trialId, cancellationToken);
        if (result is not null)
        {
            return result.Curve;
        }
        var checkpoint = await store.LoadCheckpointAsync(trialId, cancellationToken);
        return checkpoint is null ? [] : TrainingSession.ReadCurve(checkpoint.Data);
    }

    /// <summary>
    /// <c>sweep study --format json</c>: the stored report of a finished sweep when it is current and complete,
    /// otherwise computed from the stored results; null if the sweep is unknown.
    /// </summary>
    public async Task<string?> StudyAsync(string sweepId, CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(sweepId, cancellationToken);
        if (sweep is null)
        {
            return null;
        }
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var finished = sweep.Trials.All(t => statuses.TryGetValue(t.TrialId, out var s) && s.Status.IsFinished());
        var report = finished ? await StoredStudy.LoadCompleteAsync(store, sweep, cancellationToken) : null;
        report ??= (await StoredStudy.ComputeAsync(store, sweep, cancellationToken)).Report;
        return report.ToJson();
    }

    /// <summary>
    /// A fingerprint of everything that changes while a sweep runs (each trial's status and steps: a new result or
    /// checkpoint changes them); the sweep of a trial id for trial views. Cheap next to the views it guards.
    /// </summary>
    public Task<string> VersionAsync(string sweepOrTrialId, CancellationToken cancellationToken)
    {
        var dot = sweepOrTrialId.IndexOf('.', StringComparison.Ordinal);
        var sweepId = dot < 0 ? sweepOrTrialId : sweepOrTrialId[..dot];
        var now = Environment.TickCount64;
        if (!_versions.TryGetValue(sweepId, out var known) || now - known.ReadAt >= VersionReuse.TotalMilliseconds
            || known.Version.IsFaulted || known.Version.IsCanceled)
        {
            // Shared by every caller in the period, so not bound to the first caller's request: each waits with its own.
            known = (now, ReadVersionAsync(sweepId, CancellationToken.None));
            _versions[sweepId] = known;
        }
        return known.Version.WaitAsync(cancellationToken);
    }

    private async Task<string> ReadVersionAsync(string sweepId, CancellationToken cancellationToken)
    {
        if (await store.GetSweepAsync(sweepId, cancellationToken) is null)
        {
            return "none";
        }
        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var text = new System.Text.StringBuilder();
        foreach (var (id, (status, steps)) in statuses.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(id).Append(' ').Append((int)status).Append(' ').Append(steps).Append('\n');
        }
        return ApiAnswer.Tag(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }

    public async Task<bool> SweepExistsAsync(string sweepId, CancellationToken cancellationToken) =>
        await store.GetSweepAsync(sweepId, cancellationToken) is not null;

    /// <summary>Trial ids start with their sweep's id and a dot (sweep ids have no dots).</summary>
    private async Task<TrialSpec?> SpecAsync(string trialId, CancellationToken cancellationToken)
    {
        var dot = trialId.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }
        var sweep = await store.GetSweepAsync(trialId[..dot], cancellationToken);
        return sweep?.Trials.FirstOrDefault(t => t.TrialId == trialId);
    }

    private async Task<JsonObject> SweepNodeAsync(SweepDefinition sweep, CancellationToken cancellationToken)
    {
        var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
        var row = await SweepStatusRow.ReadAsync(store, sweep, cancellationToken);
        long done = 0;
        long total = 0;
        foreach (var t in sweep.Trials)
        {
            total += t.Training.Steps;
            if (statuses.TryGetValue(t.TrialId, out var s))
            {
                // A finished trial (early-stopped, failed, cancelled) has nothing left to do.
                done += s.Status.IsFinished() ? t.Training.Steps : Math.Min(s.Steps, t.Training.Steps);
            }
        }
        var node = (JsonObject)JsonSerializer.SerializeToNode(row, ViewJson.Options)!;
        node["stepsDone"] = done;
        node["stepsTotal"] = total;
        node["etaSeconds"] = rates.Observe(sweep.SweepId, done, total);
        return node;
    }

    private static JsonArray Array<T>(IEnumerable<T> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
