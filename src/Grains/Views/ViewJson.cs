using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sweep.Grains.Views;

/// <summary>
/// The JSON every view of the store is printed or served in (the CLI's <c>--format json</c> and the dashboard's
/// API): camelCase names and enum values, NaN and infinities as named literals, indented.
/// </summary>
public static class ViewJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
