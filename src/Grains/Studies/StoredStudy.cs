using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Views;

namespace Sweep.Grains.Studies;

/// <summary>A sweep's study computed from what the store holds, and saved back to it (for the coordinator).</summary>
public static class StoredStudy
{
    /// <summary>Reads the sweep's results and trial statuses and builds its report; the results come back for the charts.</summary>
    public static async Task<(StudyReport Report, IReadOnlyList<TrialResultRecord> Results)> ComputeAsync(ISweepStore store, SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        var results = await store.GetResultsAsync(sweep.SweepId, cancellationToken);
        var statuses = await store.GetTrialStatusesAsync(sweep.SweepId, cancellationToken);
        var report = StudyBuilder.Build(
            sweep,
            results,
            statuses.ToDictionary(kv => kv.Key, kv => kv.Value.Status, StringComparer.Ordinal),
            search: SweepSearch.Of(sweep),
            steps: statuses.ToDictionary(kv => kv.Key, kv => kv.Value.Steps, StringComparer.Ordinal));
        return (report, results);
    }

    /// <summary>Computes the report and stores it with <see cref="ISweepStore.SaveStudyAsync"/>; returns it.</summary>
    public static async Task<StudyReport> PublishAsync(ISweepStore store, SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        var (report, _) = await ComputeAsync(store, sweep, cancellationToken);
        await store.SaveStudyAsync(sweep.SweepId, report.ToJson(), cancellationToken);
        return report;
    }

    /// <summary>
    /// The stored report of <paramref name="sweep"/> if it is of the current schema, belongs to this sweep and grid,
    /// and is complete; otherwise null (the caller recomputes).
    /// </summary>
    public static async Task<StudyReport?> LoadCompleteAsync(ISweepStore store, SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        var json = await store.GetStudyAsync(sweep.SweepId, cancellationToken);
        if (json is null)
        {
            return null;
        }

        try
        {
            var report = StudyReport.FromJson(json);
            return report.SchemaVersion == StudyReport.CurrentSchemaVersion && report.SweepId == sweep.SweepId
                && report.GridHash == sweep.GridHash && report.Complete ? report : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
