using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using Sweep.Grains.Storage;
using Sweep.Grains.Views;

namespace Sweep.Client.Dashboard;

/// <summary>
/// The web dashboard: a JSON API over an <see cref="ISweepStore"/> and the embedded front end that polls it.
/// Read-only except <c>POST /api/sweeps/{id}/cancel</c>, which needs the token printed at start.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>The request header that carries the cancel token.</summary>
    public const string TokenHeader = "X-Sweep-Token";

    /// <summary>Where the Orleans Dashboard is served when <see cref="DashboardOptions.OrleansClient"/> is set.</summary>
    public const string OrleansDashboardPath = "/orleans";

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri address, string cancelToken)
    {
        _app = app;
        Address = address;
        CancelToken = cancelToken;
    }

    /// <summary>Where the dashboard answers, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Address { get; }

    /// <summary>What a cancel request must carry in <see cref="TokenHeader"/>.</summary>
    public string CancelToken { get; }

    /// <summary>Binds and starts serving; throws a one-line <see cref="DashboardException"/> for a bad address or a taken port.</summary>
    public static async Task<DashboardServer> StartAsync(ISweepStore store, DashboardOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.TryParse(options.Bind, out var bind))
        {
            throw new DashboardException($"--bind: '{options.Bind}' is not an IP address; use e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }
        if (options.Port is < 0 or > 65535)
        {
            throw new DashboardException($"--port: {options.Port} is not a TCP port; use 1–65535");
        }
        var token = options.CancelToken ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.Verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        }
        builder.WebHost.ConfigureKestrel(k => k.Listen(bind, options.Port));
        builder.Services.AddSingleton(TimeProvider.System);
        // The slim builder leaves out regex route constraints; the API's id routes use one.
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<RegexInlineRouteConstraint>("regex"));
        if (options.OrleansClient is { } configureClient)
        {
            builder.UseOrleansClient(client =>
            {
                configureClient(client);
                client.AddDashboard();
            });
        }
        var app = builder.Build();
        var time = TimeProvider.System;
        var views = new DashboardViews(store, new SweepRateTracker(time));
        var api = new DashboardApi(views, new ApiAnswerCache(options.ReuseFor, time), time, token, options.CancelSweep, options.OrleansClient is not null);
        api.Map(app);
        FrontEnd.Map(app);
        if (options.OrleansClient is not null)
        {
            app.MapOrleansDashboard(OrleansDashboardPath);
        }
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new DashboardException($"cannot listen on {options.Bind}:{options.Port} ({ex.GetBaseException().Message}); choose another --port");
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(address.EndsWith('/') ? address : address + "/"), token);
    }

    /// <summary>Serves until <paramref name="stop"/> fires, then stops.</summary>
    public async Task RunUntilStoppedAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }
        await _app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>The CLI's JSON options, unindented (curves run to thousands of points).</summary>
    private static readonly JsonSerializerOptions ApiJson = new(ViewJson.Options) { WriteIndented = false };

    internal static string Serialize<T>(T value) => JsonSerializer.Serialize(value, ApiJson);
}
