using Npgsql;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The migrations against a real server: idempotent, safe under concurrency, strict about changed history.</summary>
public sealed class PostgresMigratorTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void EmbeddedMigrations_AreNumberedInOrderWithoutGaps()
    {
        var versions = PostgresMigrator.Migrations.Select(m => m.Version).ToArray();

        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
        Assert.Contains(PostgresMigrator.Migrations, m => m.Name == "sweep_schema");
        Assert.All(PostgresMigrator.Migrations, m => Assert.Equal(64, m.Checksum.Length));
    }

    [Fact]
    public async Task Migrate_Twice_SecondRunIsANoOp()
    {
        var connectionString = await server.CreateDatabaseAsync(Ct);

        var first = await PostgresMigrator.MigrateAsync(connectionString, Ct);
        var second = await PostgresMigrator.MigrateAsync(connectionString, Ct);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.Equal(PostgresMigrator.Migrations.Count, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_FourMigratorsAtOnce_ApplyEachMigrationExactlyOnce()
    {
        var connectionString = await server.CreateDatabaseAsync(Ct);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresMigrator.MigrateAsync(connectionString, Ct), Ct)));

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), runs.SelectMany(r => r).Order());
        Assert.Equal(PostgresMigrator.Migrations.Count, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_AppliedMigrationChangedSince_FailsNamingTheMigrationAndChecksum()
    {
        var connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        await ScalarAsync<int>(connectionString, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 3 RETURNING version");

        var error = await Assert.ThrowsAsync<PostgresMigrationException>(() => PostgresMigrator.MigrateAsync(connectionString, Ct));

        Assert.Contains("0003", error.Message);
        Assert.Contains("checksum", error.Message);
        Assert.Contains(PostgresMigrator.Migrations[2].Checksum, error.Message);
    }

    [Fact]
    public async Task Migrate_DatabaseWithForeignOrleansTables_FailsClearlyAndKeepsEarlierMigrations()
    {
        var connectionString = await server.CreateDatabaseAsync(Ct);
        await ScalarAsync<int>(connectionString, "CREATE TABLE OrleansQuery (QueryKey varchar(64) PRIMARY KEY, QueryText varchar(8000)); SELECT 1");

        var error = await Assert.ThrowsAsync<PostgresMigrationException>(() => PostgresMigrator.MigrateAsync(connectionString, Ct));

        Assert.Contains("0002_orleans_main.sql", error.Message);
        Assert.Contains("already exists", error.Message);
        Assert.Contains("fresh database", error.Message);
        Assert.Equal(1L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_AsARoleThatMayNotCreateTables_FailsNamingTheFix()
    {
        var connectionString = await server.CreateDatabaseAsync(Ct);
        var role = $"reader_{Guid.NewGuid():N}";
        await ScalarAsync<int>(server.AdminConnectionString, $"CREATE ROLE \"{role}\" LOGIN; SELECT 1");
        var asRole = new NpgsqlConnectionStringBuilder(connectionString) { Username = role }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgresMigrationException>(() => PostgresMigrator.MigrateAsync(asRole, Ct));

        Assert.Contains("42501", error.Message);
        Assert.Contains("database owner", error.Message);
    }

    [Fact]
    public async Task Migrate_ADatabaseAt0006_MovesTo0007_KeepingItsTrials_WhichMayThenBePausedAndPruned()
    {
        var connectionString = await server.CreateDatabaseAsync(Ct);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(Enumerable.Range(1, 6), await PostgresMigrator.MigrateAsync(dataSource, throughVersion: 6, Ct));
        await using var store = new PostgresSweepStore(dataSource);
        var sweep = StoreTestData.Sweep("old");
        await store.CreateSweepAsync(sweep, Ct);
        await store.SetTrialStatusAsync(sweep.Trials[0].TrialId, TrialStatus.Running, 5, Ct);
        var before = await Assert.ThrowsAsync<PostgresException>(() => store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Paused, 10, Ct));
        Assert.Equal(PostgresErrorCodes.CheckViolation, before.SqlState);

        var applied = await PostgresMigrator.MigrateAsync(dataSource, Ct);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version).Where(v => v > 6), applied);
        await store.SetTrialStatusAsync(sweep.Trials[1].TrialId, TrialStatus.Paused, 10, Ct);
        var full = StoreTestData.Result(sweep.Trials[2], seed: 3, status: TrialStatus.Pruned);
        Assert.True(await store.SaveResultAsync(full with { Row = full.Row with { Steps = 10 } }, Ct));
        await store.RecordRungAsync("old", new RungCall(sweep.Trials[2].TrialId, 0, 10, 0.25, RungVerdict.Prune, [new RungStanding(sweep.Trials[2].TrialId, 0.25)], 1), Ct);
        var statuses = await store.GetTrialStatusesAsync("old", Ct);
        Assert.Equal((TrialStatus.Running, 5), statuses[sweep.Trials[0].TrialId]);
        Assert.Equal((TrialStatus.Paused, 10), statuses[sweep.Trials[1].TrialId]);
        Assert.Equal((TrialStatus.Pruned, 10), statuses[sweep.Trials[2].TrialId]);
        Assert.Equal(RungVerdict.Prune, Assert.Single(await store.GetRungsAsync("old", Ct)).Verdict);
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(connectionString, "UPDATE trials SET status = 'Asleep' RETURNING 1"));
    }

    [Fact]
    public async Task Migrate_CreatesEveryOrleansQueryTheProvidersLoad()
    {
        var connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        string[] required =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];

        var keys = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            keys.Add(reader.GetString(0));
        }

        Assert.Equal(required.Order(), keys.Order());
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
