using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Telemetry;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Grains.Hosting;

/// <summary>
/// The one place that configures Sweep's silos and clients, embedded and clustered. The CLI, the silo executable
/// and the tests all go through it.
/// </summary>
public static class SweepHosting
{
    /// <summary>Environment variable naming the embedded store directory (default <c>./.sweep</c>).</summary>
    public const string HomeVariable = "SWEEP_HOME";

    /// <summary>Environment variable with the cluster's PostgreSQL connection string.</summary>
    public const string PostgresVariable = "SWEEP_POSTGRES";

    /// <summary>Grain storage provider name for the coordinator's small state.</summary>
    public const string GrainStorageName = "sweep";

    /// <summary>The explicit directory, else <c>$SWEEP_HOME</c>, else <c>.sweep</c> in the current directory.</summary>
    public static string ResolveStoreDirectory(string? store) =>
        Path.GetFullPath(!string.IsNullOrWhiteSpace(store) ? store
            : Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home ? home
            : ".sweep");

    /// <summary>
    /// The explicit connection string, else <c>$SWEEP_POSTGRES</c>, else the file <c>$SWEEP_POSTGRES_FILE</c> names,
    /// else null (embedded). See <see cref="ConnectionStringSource"/>.
    /// </summary>
    public static string? ResolvePostgres(string? connectionString) => ConnectionStringSource.Resolve(connectionString, null);

    /// <summary>Logger category of the lines an operator watches: the store waited for, trials taken over.</summary>
    public const string ClusterLogCategory = SweepTelemetry.ClusterLogCategory;

    /// <summary>
    /// How long a silo's store calls ride out a database outage before they give up: under the 30 s in which an
    /// Orleans call times out, so a grain call that waited on the store still answers its caller (a lease granted
    /// after its caller stopped waiting would be stranded). A trial's result is the exception: it is retried until
    /// it is recorded (see <see cref="TrialGrain"/>).
    /// </summary>
    public static readonly TimeSpan SiloStorePatience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The store the options name: PostgreSQL in cluster mode, retried through outages per
    /// <paramref name="retry"/> (default: two minutes, silently); the local directory otherwise.
    /// </summary>
    public static ISweepStore OpenStore(SweepHostOptions options, StoreRetryPolicy? retry = null) =>
        options.IsCluster ? OpenPostgres(options.PostgresConnectionString!, retry) : new LocalDirectorySweepStore(options.StoreDirectory);

    // A method of its own, so that a command on the local store never loads Npgsql (its types are resolved when the
    // method that names them first runs): about 10 ms of every local query command's start.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static RetryingSweepStore OpenPostgres(string connectionString, StoreRetryPolicy? retry) =>
        new(new PostgresSweepStore(connectionString), PostgresTransience.IsTransient, PostgresTransience.Describe, retry ?? new StoreRetryPolicy(), "PostgreSQL");

    /// <summary>The runtime options a silo with these host options trains with.</summary>
    /// <remarks>
    /// A coordinator that starts fresh waits one lease for the trials the store says are running: a trial that has
    /// not reported within a lease is presumed dead either way.
    /// </remarks>
    public static SweepRuntimeOptions RuntimeOptions(SweepHostOptions options)
    {
        var lease = options.LeaseTimeout ?? ClusterTimeouts.DefaultLeaseTimeout;
        return new()
        {
            TrainerSlots = options.TrainerSlots is > 0 ? options.TrainerSlots.Value : Environment.ProcessorCount,
            Cores = options.Cores is > 0 ? options.Cores.Value : Environment.ProcessorCount,
            DataDirectory = options.DataDirectory ?? Path.Combine(options.StoreDirectory, "data"),
            LeaseDuration = lease,
            RunningTrialGrace = options.IsCluster ? lease : TimeSpan.Zero,
        };
    }

    /// <summary>
    /// Everything a silo needs to run sweeps besides Orleans itself: the store, the trainer, the dataset cache,
    /// the study publisher and the trainer slots.
    /// </summary>
    public static IServiceCollection AddSweepSilo(this IServiceCollection services, ISweepStore store, SweepRuntimeOptions runtime)
    {
        services.AddSingleton(store);
        services.AddSingleton(runtime);
        services.AddSingleton<DatasetCache>();
        services.AddSingleton<CoreShares>();
        services.AddSingleton<ITrialTrainer, SessionTrialTrainer>();
        services.AddSingleton<IStudyPublisher, StudyPublisher>();
        services.AddHostedService<TrainerSlots>();
        return services;
    }

    /// <summary>Configures clustering, endpoints and grain storage of a silo for the given mode.</summary>
    public static void ConfigureSilo(ISiloBuilder silo, SweepHostOptions options)
    {
        if (options.IsCluster)
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            var address = options.AdvertisedAddress is { } a ? IPAddress.Parse(a) : DefaultAdvertisedAddress();
            silo.ConfigureEndpoints(address, PortOrFree(options.SiloPort), PortOrFree(options.GatewayPort), listenOnAnyHostAddress: true);
            silo.UseSweepPostgres(options.PostgresConnectionString!);
            var detection = options.FailureDetection ?? ClusterTimeouts.DefaultFailureDetection;
            silo.Configure<ClusterMembershipOptions>(o => ClusterTimeouts.Apply(o, detection));
        }
        else
        {
            silo.UseLocalhostClustering(PortOrFree(options.SiloPort), PortOrFree(options.GatewayPort), serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorage(GrainStorageName);
        }
        if (options.Tls is { } tls)
        {
            silo.UseSweepTls(tls.Load(serverAuthentication: true));
        }
        if (options.ResponseTimeout is { } response)
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = response);
        }
    }

    /// <summary>
    /// Builds and starts a silo host: in cluster mode after running the migrations; embedded holding the store's
    /// <see cref="StoreLock"/> until the host is disposed.
    /// </summary>
    /// <exception cref="StoreInUseException">Embedded, and another host holds the store.</exception>
    /// <exception cref="SweepConfigurationException">The TLS files are wrong, or the cluster's silos refuse them.</exception>
    public static async Task<IHost> StartSiloAsync(SweepHostOptions options, CancellationToken cancellationToken)
    {
        if (options.IsCluster)
        {
            await PostgresMigrator.MigrateAsync(options.PostgresConnectionString!, cancellationToken);
            if (options.Tls is { } tls
                && await ClusterSecurity.ExplainSiloRefusalAsync(options.PostgresConnectionString!, options.ClusterId, tls.Load(serverAuthentication: true), cancellationToken) is { } refusal)
            {
                throw new SweepConfigurationException(refusal);
            }
            return await BuildAndStartSiloAsync(options, null, cancellationToken);
        }
        var storeLock = StoreLock.Acquire(options.StoreDirectory);
        try
        {
            return await BuildAndStartSiloAsync(options, storeLock, cancellationToken);
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    private static async Task<IHost> BuildAndStartSiloAsync(SweepHostOptions options, StoreLock? storeLock, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, options.Verbose);
        builder.UseOrleans(silo =>
        {
            ConfigureSilo(silo, options);
            if (options.TelemetryConsole)
            {
                // Grain calls become spans of the caller's trace (submit → lease → train …).
                silo.AddActivityPropagation();
            }
            options.ConfigureSiloBuilder?.Invoke(silo);
        });
        ILogger? clusterLog = null;
        var store = OpenStore(options, new StoreRetryPolicy
        {
            Patience = SiloStorePatience,
            Report = message => clusterLog?.LogWarning("{Message}", message),
        });
        builder.Services.AddSweepSilo(store, RuntimeOptions(options));
        builder.Services.AddHostedService<ClusterMembershipLog>();
        if (options.HealthPort > 0)
        {
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton<SiloHealth>();
            builder.Services.AddHostedService<HealthEndpoint>();
        }
        if (options.TelemetryConsole)
        {
            builder.Services.AddSweepConsoleTelemetry("sweep-silo");
        }
        if (storeLock is not null)
        {
            // Created by a factory, so the container owns it: disposing the host releases the lock.
            builder.Services.AddSingleton(_ => storeLock);
        }
        var host = builder.Build();
        clusterLog = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(ClusterLogCategory);
        if (storeLock is not null)
        {
            host.Services.GetRequiredService<StoreLock>();
        }
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }

    /// <summary>Runs a silo until <paramref name="stop"/> fires, then stops it gracefully.</summary>
    public static async Task RunUntilStoppedAsync(SweepHostOptions options, CancellationToken stop)
    {
        if (!options.IsCluster)
        {
            Directory.CreateDirectory(options.StoreDirectory);
        }
        using var host = await StartSiloAsync(options, stop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: fall through to the graceful shutdown.
        }
        await host.StopAsync(CancellationToken.None);
    }

    /// <summary>Builds and starts a client of the cluster behind <paramref name="connectionString"/>, without TLS (response timeout 10 s).</summary>
    public static Task<IHost> StartClientAsync(string connectionString, bool verbose, bool telemetryConsole, CancellationToken cancellationToken) =>
        StartClientAsync(new SweepHostOptions { PostgresConnectionString = connectionString, Verbose = verbose, TelemetryConsole = telemetryConsole }, cancellationToken);

    /// <summary>
    /// Builds and starts a client of the cluster the options name, with their TLS files if any and their response timeout.
    /// </summary>
    /// <exception cref="SweepConfigurationException">The TLS files are wrong, or the cluster refused the connection over TLS.</exception>
    public static async Task<IHost> StartClientAsync(SweepHostOptions options, CancellationToken cancellationToken)
    {
        var connectionString = options.PostgresConnectionString ?? throw new ArgumentException("a client needs the cluster's connection string", nameof(options));
        var (verbose, telemetryConsole) = (options.Verbose, options.TelemetryConsole);
        var credentials = options.Tls?.Load(serverAuthentication: false);
        var responseTimeout = options.ResponseTimeout ?? ClusterTimeouts.DefaultClientResponseTimeout;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, verbose);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "sweep";
                o.ServiceId = "sweep";
            });
            client.UseSweepPostgres(connectionString);
            if (credentials is not null)
            {
                client.UseSweepTls(credentials);
            }
            if (telemetryConsole)
            {
                client.AddActivityPropagation();
            }
            // A call to a silo that just died otherwise hangs for the default 30 s before the client retries.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            // Silos that replace stopped ones are new gateways: look for them every few seconds, not every minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        if (telemetryConsole)
        {
            builder.Services.AddSweepConsoleTelemetry("sweep-client");
        }
        var host = builder.Build();
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var start = host.StartAsync(starting.Token);
        // A refused TLS handshake reaches Orleans as a dropped connection, which it retries for minutes: say what
        // the cluster objected to instead.
        if (await ClusterSecurity.ExplainSlowStartAsync(start, host.Services, credentials, cancellationToken) is { } refusal)
        {
            await starting.CancelAsync();
            await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            host.Dispose();
            throw new SweepConfigurationException(refusal);
        }
        try
        {
            await start;
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }

    /// <summary>Host logs go to stderr, and only with <paramref name="verbose"/>: stdout belongs to the command's output.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, bool verbose)
    {
        logging.ClearProviders();
        if (verbose)
        {
            logging.SetMinimumLevel(LogLevel.Information);
            // Orleans' placement retries log every attempt at Information through Polly.
            logging.AddFilter("Polly", LogLevel.Warning);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            // One line per event, with the UTC time: what an operator greps, and what the fault tests time.
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            logging.SetMinimumLevel(LogLevel.None);
        }
    }

    private static int PortOrFree(int port)
    {
        if (port > 0)
        {
            return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IPAddress DefaultAdvertisedAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;
}
