using System.Globalization;
using System.Text;
using System.Text.Json;
using Sweep.Grains.Storage;
using Sweep.Model.Metrics;
using Sweep.Client.Reports;
using Sweep.Grains.Studies;
using Sweep.Grains.Lifecycle;

namespace Sweep.Client.Commands;

/// <summary>
/// The handlers of <c>sweep study</c> and <c>sweep predictions</c>, free of any command-line library: the CLI
/// parses options and calls these. Exit codes: 0 success, 1 failure while working, 2 bad input (one line on stderr).
/// </summary>
public static class StudyCommands
{
    /// <summary>The formats <see cref="RunPredictionsAsync"/> takes.</summary>
    public static readonly IReadOnlyList<string> PredictionFormats = ["csv", "json"];

    /// <summary>
    /// <c>sweep study &lt;sweep&gt; [--format md|json|csv] [--out DIR]</c>. A finished sweep uses its stored report
    /// when one of the current schema is present and complete; otherwise the report is computed from the stored
    /// results and statuses.
    /// </summary>
    public static async Task<int> RunStudyAsync(ISweepStore store, string sweepId, string format, string? outDir, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!StudyReportWriter.Formats.Contains(format))
        {
            await stderr.WriteLineAsync($"sweep: unknown --format '{format}'; valid formats: {string.Join(", ", StudyReportWriter.Formats)}.");
            return 2;
        }

        var sweep = await store.GetSweepAsync(sweepId, cancellationToken);
        if (sweep is null)
        {
            var known = (await store.ListSweepsAsync(cancellationToken)).Select(s => s.SweepId).ToList();
            await stderr.WriteLineAsync($"sweep: no sweep named '{sweepId}'; known sweeps: {(known.Count == 0 ? "none (submit one with `sweep submit grid.json`)" : string.Join(", ", known))}.");
            return 1;
        }

        var statuses = await store.GetTrialStatusesAsync(sweepId, cancellationToken);
        var finished = sweep.Trials.All(t => statuses.TryGetValue(t.TrialId, out var s) && s.Status.IsFinished());
        var report = finished ? await StoredStudy.LoadCompleteAsync(store, sweep, cancellationToken) : null;
        IReadOnlyList<TrialResultRecord> results = [];
        if (report is null)
        {
            (report, results) = await StoredStudy.ComputeAsync(store, sweep, cancellationToken);
            if (finished && report.Complete)
            {
                // The stored report was missing, stale or damaged: store the one just computed, if the store lets us.
                try
                {
                    await store.SaveStudyAsync(sweepId, report.ToJson(), cancellationToken);
                }
                catch (StoreException e)
                {
                    await stderr.WriteLineAsync($"sweep: the recomputed study was not stored: {e.Message}");
                }
            }
        }
        else if (format == "md" && outDir is not null)
        {
            results = await store.GetResultsAsync(sweepId, cancellationToken);
        }

        try
        {
            await StudyReportWriter.WriteAsync(report, results, format, outDir, stdout, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"sweep: --out: cannot write the report to '{outDir}' ({e.Message.TrimEnd('.')}); give --out a directory you can write to");
            return 1;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            // SkiaSharp's native library (the PNG charts) could not load on this machine.
            await stderr.WriteLineAsync($"sweep: cannot render the PNG charts ({e.GetBaseException().Message}); use --format json or csv, or md without --out.");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// <c>sweep predictions &lt;trial&gt; [--split test|dev] --format csv|json</c>: per image its index, true label and
    /// class probabilities. CSV header <c>index,label,p0,…,p{classes−1}</c>; JSON an array of
    /// <c>{"index","label","probabilities":[…]}</c>. Probabilities are printed in round-trip form, so metrics
    /// recomputed from the export equal the stored ones.
    /// </summary>
    public static async Task<int> RunPredictionsAsync(ISweepStore store, string trialId, PredictionSplit split, string format, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!PredictionFormats.Contains(format))
        {
            await stderr.WriteLineAsync($"sweep: unknown --format '{format}'; valid formats: {string.Join(", ", PredictionFormats)}.");
            return 2;
        }

        var predictions = await store.GetPredictionsAsync(trialId, split, cancellationToken);
        if (predictions is null)
        {
            var result = await store.GetResultAsync(trialId, cancellationToken);
            var splitName = split.ToString().ToLowerInvariant();
            await stderr.WriteLineAsync(result is null
                ? $"sweep: no finished trial '{trialId}' (unknown id, or not finished yet); `sweep leaderboard` lists finished trials."
                : $"sweep: trial '{trialId}' ({result.Row.Status.ToString().ToLowerInvariant()}) stored no {splitName} predictions.");
            return 1;
        }

        await stdout.WriteAsync(format == "csv" ? PredictionsCsv(predictions) : PredictionsJson(predictions));
        await stdout.FlushAsync(cancellationToken);
        return 0;
    }

    /// <summary>The CSV form of <see cref="RunPredictionsAsync"/>.</summary>
    public static string PredictionsCsv(Predictions predictions)
    {
        var csv = new StringBuilder("index,label");
        for (var k = 0; k < predictions.Classes; k++)
        {
            csv.Append(",p").Append(k.ToString(CultureInfo.InvariantCulture));
        }

        csv.Append('\n');
        for (var i = 0; i < predictions.Count; i++)
        {
            csv.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').Append(predictions.Labels[i].ToString(CultureInfo.InvariantCulture));
            for (var k = 0; k < predictions.Classes; k++)
            {
                csv.Append(',').Append(predictions.Probabilities[i * predictions.Classes + k].ToString("R", CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>The JSON form of <see cref="RunPredictionsAsync"/>; a non-finite probability is written as null.</summary>
    public static string PredictionsJson(Predictions predictions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var i = 0; i < predictions.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteNumber("label", predictions.Labels[i]);
                json.WriteStartArray("probabilities");
                for (var k = 0; k < predictions.Classes; k++)
                {
                    var p = predictions.Probabilities[i * predictions.Classes + k];
                    if (float.IsFinite(p))
                    {
                        json.WriteNumberValue(p);
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
