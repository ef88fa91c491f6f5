using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Dashboard.Tests;

/// <summary>The API over a cluster's store: a fresh migrated database on the throwaway PostgreSQL server.</summary>
public sealed class PostgresStoreApiTests(PostgresServer server) : ApiTests
{
    private string? _connectionString;

    protected override string[] StoreArguments => ["--cluster", _connectionString ?? throw new InvalidOperationException("No database yet.")];

    protected override async Task<ISweepStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        return new PostgresSweepStore(_connectionString);
    }
}
