using System.Text;
using System.Text.Json;

namespace Sweep.Grains.Storage;

/// <summary>Study reports are stored verbatim, but only if they are JSON.</summary>
internal static class StudyJson
{
    /// <summary>The UTF-8 bytes of <paramref name="studyJson"/>; throws if it is not one JSON value.</summary>
    public static byte[] Validate(string sweepId, string studyJson)
    {
        ArgumentNullException.ThrowIfNull(studyJson);
        var bytes = Encoding.UTF8.GetBytes(studyJson);
        try
        {
            using var document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Study of sweep '{sweepId}' is not valid JSON: {e.Message}", nameof(studyJson), e);
        }

        return bytes;
    }
}
