using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sweep.Grains.Studies;

/// <summary>
/// The study of a sweep: per dataset the paper's tables and comparisons, with how sure we are. Plain records;
/// JSON (camelCase) is the stored and the machine-readable form.
/// </summary>
/// <param name="SchemaVersion">Bumped when the shape changes; a stored report of another version is recomputed.</param>
/// <param name="Complete">Every planned trial has finished (pruned counts as finished; paused does not).</param>
/// <param name="Pruned">Trials the search stopped at a rung, best dev accuracy first: in no mean, comparison or filter study.</param>
/// <param name="Search">How a search sweep searched and what it spent; null for a grid sweep.</param>
public sealed record StudyReport(
    int SchemaVersion,
    string SweepId,
    string GridHash,
    StudySettings Settings,
    TrialCounts Trials,
    bool Complete,
    IReadOnlyList<DatasetStudy> Datasets,
    IReadOnlyList<PrunedTrial> Pruned,
    SearchSummary? Search)
{
    /// <summary>The schema this code writes (2: paused and pruned counts, the pruned trials and the search).</summary>
    public const int CurrentSchemaVersion = 2;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>camelCase JSON, indented.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>
    /// Reads what <see cref="ToJson"/> wrote. Throws <see cref="JsonException"/> on anything else, including a
    /// missing field or a null where the record does not allow one.
    /// </summary>
    public static StudyReport FromJson(string json) =>
        JsonSerializer.Deserialize<StudyReport>(json, Options)
        ?? throw new JsonException("A study report JSON document is 'null'.");
}
