using System.Security.Cryptography;
using System.Text;

namespace Sweep.Client.Dashboard;

/// <summary>One computed API answer: its JSON bytes, their entity tag and the HTTP status.</summary>
internal sealed record ApiAnswer(int StatusCode, byte[] Body, string ETag, DateTimeOffset ComputedAt)
{
    public static ApiAnswer Of(int statusCode, string json, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return new ApiAnswer(statusCode, body, Tag(body), now);
    }

    /// <summary>A strong entity tag from the content, so an unchanged answer is a 304 however often it is recomputed.</summary>
    public static string Tag(ReadOnlySpan<byte> body) => $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12))}\"";
}
