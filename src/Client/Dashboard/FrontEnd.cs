using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sweep.Client.Dashboard;

/// <summary>
/// The page, its script and its style sheet, embedded in the assembly: the dashboard works offline and loads
/// nothing from elsewhere (the content security policy forbids it, and inline scripts too).
/// </summary>
internal static class FrontEnd
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string ContentType, string Resource)> Files = new Dictionary<string, (string, string)>
    {
        ["/"] = ("text/html; charset=utf-8", "wwwroot/index.html"),
        ["/app.js"] = ("text/javascript; charset=utf-8", "wwwroot/app.js"),
        ["/app.css"] = ("text/css; charset=utf-8", "wwwroot/app.css"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (path, (contentType, resource)) in Files)
        {
            var body = Read(resource);
            var etag = ApiAnswer.Tag(body);
            app.MapGet(path, async context =>
            {
                var headers = context.Response.Headers;
                headers.ETag = etag;
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (context.Request.Headers.IfNoneMatch.Contains(etag))
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }
                context.Response.ContentType = contentType;
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body, context.RequestAborted);
            });
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(FrontEnd).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard assembly lacks its resource '{resource}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
