using System.Text.Json;

namespace Sweep.Hosts.Tests;

/// <summary>One row of <c>sweep trials --format json</c>: status, steps, and the metrics as the exact JSON text.</summary>
public sealed record TrialState(string TrialId, string Status, int Steps, string Metrics)
{
    /// <summary>The fields a result is compared on, bit for bit (numbers as printed: shortest round-trip text).</summary>
    private static readonly string[] MetricFields = ["steps", "trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio"];

    public static IReadOnlyDictionary<string, TrialState> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(t => new TrialState(
                t.GetProperty("trialId").GetString()!,
                t.GetProperty("status").GetString()!,
                t.GetProperty("steps").GetInt32(),
                string.Join(", ", MetricFields.Select(f => $"{f}={t.GetProperty(f).GetRawText()}"))))
            .ToDictionary(t => t.TrialId);
    }
}
