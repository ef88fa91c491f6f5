using System.CommandLine;
using System.Net;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep health HOST:PORT</c>: asks a silo's health check (<c>sweep silo --health-port</c>) whether it is an
/// active member with a store that answers; prints its answer and exits 0 when healthy, 1 otherwise. With --wait
/// it asks again every half second until healthy or the time is up; with --trials it lists the trials running on
/// that silo and the step each last reported instead.
/// </summary>
internal static class HealthCommand
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliConsole console)
    {
        var target = new Argument<string>("target") { Description = "The silo's health endpoint: HOST:PORT or http://HOST:PORT" };
        var wait = new Option<double>("--wait") { HelpName = "seconds", Description = "Keep asking until healthy, for at most this long (default: ask once)" };
        var trials = new Option<bool>("--trials") { Description = "List the trials running on that silo: 'trial-id step', one per line" };
        var command = new Command("health", "Check a silo's health endpoint; exit 0 when it is healthy") { target, wait, trials };
        command.SetAction(async (parse, ct) =>
        {
            var url = BaseUrl(parse.GetValue(target)!);
            var seconds = parse.GetValue(wait);
            if (seconds is < 0 or > 86_400 || !double.IsFinite(seconds))
            {
                throw new CliException($"--wait must be 0–86400 seconds, not {seconds}");
            }
            using var http = new HttpClient { Timeout = RequestTimeout };
            var path = parse.GetValue(trials) ? "trials" : "health";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
            while (true)
            {
                var (ok, text) = await AskAsync(http, new Uri(url, path), ct);
                if (ok || DateTime.UtcNow >= deadline)
                {
                    if (ok)
                    {
                        await console.Out.WriteAsync(text);
                        return 0;
                    }
                    await console.Error.WriteLineAsync($"sweep: {url.Authority}: {text.Trim()}");
                    return 1;
                }
                await Task.Delay(RetryPeriod, ct);
            }
        });
        return command;
    }

    private static async Task<(bool Ok, string Text)> AskAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? (true, body)
                : (false, body.Length > 0 ? body : $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return (false, $"no health check answers there ({ex.Message}); is the silo running with --health-port?");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    private static Uri BaseUrl(string target)
    {
        var text = target.Contains("://", StringComparison.Ordinal) ? target : "http://" + target;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort && !text.Contains(":" + uri.Port, StringComparison.Ordinal))
        {
            throw new CliException($"'{target}' is not a health endpoint; expected HOST:PORT or http://HOST:PORT, e.g. 10.0.0.5:8090");
        }
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }
}
