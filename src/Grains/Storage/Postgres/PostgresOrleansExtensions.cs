using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>
/// Cluster mode on PostgreSQL: membership, grain state and reminders through the Orleans ADO.NET providers, on the
/// tables and named queries of this project's migrations.
/// </summary>
public static class PostgresOrleansExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Name of the grain storage provider (also registered as the default).</summary>
    public const string StorageName = "sweep";

    /// <summary>
    /// AdoNet clustering, grain storage "sweep" (and default) and reminders on <paramref name="connectionString"/>.
    /// The silo runs <see cref="PostgresMigrator.MigrateAsync(string, CancellationToken)"/> as the very first step of
    /// its start, before any provider reads its queries, so a fresh database works and silos starting together are safe.
    /// </summary>
    public static ISiloBuilder UseSweepPostgres(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new MigrateOnStart(connectionString));
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        builder.AddAdoNetGrainStorage(StorageName, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        builder.AddAdoNetGrainStorageAsDefault(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        return builder;
    }

    /// <summary>AdoNet clustering on <paramref name="connectionString"/>: the client finds gateways in the membership table.</summary>
    public static IClientBuilder UseSweepPostgres(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        return builder;
    }

    private sealed class MigrateOnStart(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(
                nameof(PostgresMigrator),
                ServiceLifecycleStage.First,
                cancellationToken => PostgresMigrator.MigrateAsync(connectionString, cancellationToken));
    }
}
