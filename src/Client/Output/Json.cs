using System.Text.Json;
using Sweep.Grains.Views;

namespace Sweep.Client.Output;

/// <summary>The JSON the CLI prints: <see cref="ViewJson.Options"/>, the same as the dashboard's API serves.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = ViewJson.Options;

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));
}
