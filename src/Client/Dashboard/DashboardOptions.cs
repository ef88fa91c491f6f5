namespace Sweep.Client.Dashboard;

/// <summary>Where the dashboard listens and what its one write action does.</summary>
public sealed record DashboardOptions
{
    /// <summary>The address to bind; loopback unless the user asks for more.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>
    /// The token a <c>POST /api/sweeps/{id}/cancel</c> must carry (header <c>X-Sweep-Token</c>); a random one when
    /// null. Printed at start, never served.
    /// </summary>
    public string? CancelToken { get; init; }

    /// <summary>
    /// Cancels a sweep and says what happened in one line; null disables the action (every cancel is refused).
    /// </summary>
    public Func<string, CancellationToken, Task<string>>? CancelSweep { get; init; }

    /// <summary>How long one computed API answer is reused for every page that asks (one store read per period).</summary>
    public TimeSpan ReuseFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set, the dashboard is also an Orleans client (configured by this: clustering of the silos to reach) and
    /// serves the Orleans Dashboard (silos, grains, call rates) under <c>/orleans/</c>; the silos must run
    /// <c>AddDashboard()</c> too. Null: no Orleans Dashboard.
    /// </summary>
    public Action<Orleans.Hosting.IClientBuilder>? OrleansClient { get; init; }

    /// <summary>ASP.NET Core's own logs on stderr.</summary>
    public bool Verbose { get; init; }
}
