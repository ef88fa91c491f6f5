using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sweep.Grains.Hosting;

/// <summary>
/// A minimal HTTP/1.x endpoint on <see cref="SweepHostOptions.HealthPort"/> (all addresses): <c>GET /health</c>
/// answers 200 <c>ok</c> or 503 with a one-line reason (<see cref="SiloHealth"/>), <c>GET /trials</c> lists the
/// trials running on this silo, one "trial-id step" per line. Nothing else; no request body is read.
/// </summary>
public sealed class HealthEndpoint(SweepHostOptions options, SiloHealth health, ILoggerFactory loggers) : BackgroundService
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger = loggers.CreateLogger(SweepHosting.ClusterLogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = new TcpListener(IPAddress.Any, options.HealthPort);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"health port {options.HealthPort}: cannot listen ({ex.Message}); pick a free port", ex);
        }
        _logger.LogInformation("Health check on http://0.0.0.0:{Port}/health", options.HealthPort);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = ServeAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var stream = client.GetStream();
            var path = await ReadRequestPathAsync(stream, timeout.Token);
            var (status, body) = path switch
            {
                null => (400, "bad request"),
                "/health" => await HealthAsync(timeout.Token),
                "/trials" => (200, string.Concat((await health.TrialsHereAsync()).Select(t => $"{t.TrialId} {t.Step}\n"))),
                _ => (404, "not found; GET /health or /trials"),
            };
            await WriteResponseAsync(stream, status, body, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or TimeoutException or OrleansException)
        {
            _logger.LogDebug(ex, "Health check request ended early");
        }
    }

    private async Task<(int, string)> HealthAsync(CancellationToken cancellationToken) =>
        await health.ProblemAsync(cancellationToken) is { } problem ? (503, problem + "\n") : (200, "ok\n");

    /// <summary>The path of a <c>GET</c> request line, or null for anything else.</summary>
    private static async Task<string?> ReadRequestPathAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }
            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }
        var text = Encoding.ASCII.GetString(buffer, 0, length);
        var requestLine = text.Split('\n', 2)[0].TrimEnd('\r').Split(' ');
        if (requestLine is not ["GET", var target, ..])
        {
            return null;
        }
        var query = target.IndexOf('?');
        return query >= 0 ? target[..query] : target;
    }

    private static async Task WriteResponseAsync(NetworkStream stream, int status, string body, CancellationToken cancellationToken)
    {
        var reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            503 => "Service Unavailable",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "no reason phrase for this status"),
        };
        var content = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, cancellationToken);
        await stream.WriteAsync(content, cancellationToken);
    }
}
