using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sweep.Grains.Storage;

namespace Sweep.Client.Dashboard;

/// <summary>
/// The JSON API under <c>/api</c>. Every GET answer is reused for a moment across all callers and carries an
/// entity tag; a poll with a matching <c>If-None-Match</c> gets an empty 304.
/// </summary>
internal sealed class DashboardApi(
    DashboardViews views,
    ApiAnswerCache cache,
    TimeProvider time,
    string cancelToken,
    Func<string, CancellationToken, Task<string>>? cancelSweep,
    bool orleansDashboard)
{
    /// <summary>
    /// A sweep or trial id as the store allows them (file-name characters, not starting with a dot); anything else
    /// is not routed here (404) rather than handed to the store.
    /// </summary>
    private const string IdRoute = "{id:regex(^[A-Za-z0-9_-][A-Za-z0-9_.-]{{0,199}}$)}";

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", context => Serve(context, InfoAsync));
        app.MapGet("/api/sweeps", context => Serve(context, async ct => Ok(await views.SweepsAsync(ct))));
        app.MapGet("/api/sweeps/" + IdRoute, context => Serve(context, async ct =>
            await views.SweepAsync(Id(context), ct) is { } sweep ? Ok(sweep) : NoSweep(Id(context))));
        app.MapGet("/api/sweeps/" + IdRoute + "/trials", context => Serve(context, async ct =>
            await views.TrialsAsync(Id(context), ct) is { } trials ? Ok(trials) : NoSweep(Id(context))));
        app.MapGet("/api/sweeps/" + IdRoute + "/leaderboard", context => Serve(context, async ct =>
        {
            var id = Id(context);
            if (!await views.SweepExistsAsync(id, ct))
            {
                return NoSweep(id);
            }
            var q = context.Request.Query;
            var metric = q["metric"].FirstOrDefault() ?? "testAccuracy";
            if (!LeaderboardQuery.Metrics.Contains(metric))
            {
                return Error(400, $"metric: '{metric}' is not a leaderboard metric; use one of {string.Join(", ", LeaderboardQuery.Metrics)}");
            }
            int? top = null;
            if (q["top"].FirstOrDefault() is { } topText)
            {
                if (!int.TryParse(topText, out var n) || n < 1)
                {
                    return Error(400, $"top: '{topText}' is not a positive number of rows");
                }
                top = n;
            }
            var query = new LeaderboardQuery(id, Empty(q["dataset"].FirstOrDefault()), Empty(q["architecture"].FirstOrDefault()), metric, top);
            return Ok(await views.LeaderboardAsync(query, ct));
        }));
        app.MapGet("/api/sweeps/" + IdRoute + "/study", context => Serve(context, async ct =>
            await views.StudyAsync(Id(context), ct) is { } json ? ApiAnswer.Of(200, json, time.GetUtcNow()) : NoSweep(Id(context))));
        app.MapGet("/api/trials/" + IdRoute, context => Serve(context, async ct =>
            await views.TrialAsync(Id(context), ct) is { } trial ? Ok(trial) : NoTrial(Id(context))));
        app.MapGet("/api/trials/" + IdRoute + "/curve", context => Serve(context, async ct =>
            await views.CurveAsync(Id(context), ct) is { } curve ? Ok(curve) : NoTrial(Id(context))));
        app.MapPost("/api/sweeps/" + IdRoute + "/cancel", CancelAsync);
        app.MapFallback("/api/{**rest}", context => Write(context, Error(404, $"no API endpoint {context.Request.Path}; see the README's dashboard API table")));
    }

    /// <summary>What this dashboard offers: the Orleans Dashboard's path (inside a silo) and whether cancel is on.</summary>
    private Task<ApiAnswer> InfoAsync(CancellationToken cancellationToken) => Task.FromResult(Ok(new
    {
        orleansDashboard = orleansDashboard ? DashboardServer.OrleansDashboardPath.TrimStart('/') + "/" : null,
        cancel = cancelSweep is not null,
    }));

    private async Task CancelAsync(HttpContext context)
    {
        var id = Id(context);
        var given = context.Request.Headers[DashboardServer.TokenHeader].FirstOrDefault();
        if (cancelSweep is null)
        {
            await Write(context, Error(403, "cancelling is switched off in this dashboard"));
            return;
        }
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(cancelToken)))
        {
            await Write(context, Error(403, $"cancel refused: the {DashboardServer.TokenHeader} header must carry the token the dashboard printed at start"));
            return;
        }
        if (!await views.SweepExistsAsync(id, context.RequestAborted))
        {
            await Write(context, NoSweep(id));
            return;
        }
        var message = await cancelSweep(id, context.RequestAborted);
        await Write(context, Ok(new { sweepId = id, message }));
    }

    /// <summary>
    /// Serves a computed answer; for routes with an id, the answer is renewed instead of recomputed while the
    /// sweep's version (its trials' statuses and steps) stays the same.
    /// </summary>
    private async Task Serve(HttpContext context, Func<CancellationToken, Task<ApiAnswer>> compute)
    {
        var key = context.Request.Path + context.Request.QueryString;
        Func<CancellationToken, Task<string>>? version = context.Request.RouteValues.ContainsKey("id")
            ? ct => views.VersionAsync(Id(context), ct)
            : null;
        var answer = await cache.GetAsync(key, compute, context.RequestAborted, version);
        context.Response.Headers.ETag = answer.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (answer.StatusCode == 200 && context.Request.Headers.IfNoneMatch.Contains(answer.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        await Write(context, answer);
    }

    private static async Task Write(HttpContext context, ApiAnswer answer)
    {
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    private ApiAnswer Ok<T>(T value) => ApiAnswer.Of(200, DashboardServer.Serialize(value), time.GetUtcNow());

    private ApiAnswer Error(int status, string message) => ApiAnswer.Of(status, DashboardServer.Serialize(new { error = message }), time.GetUtcNow());

    private ApiAnswer NoSweep(string id) => Error(404, $"no sweep named '{id}' in this store");

    private ApiAnswer NoTrial(string id) => Error(404, $"no trial '{id}' in any sweep of this store");

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
