using Npgsql;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// The named queries that the Orleans smoke test does not reach, run directly from <c>OrleansQuery</c> with the
/// parameter names and types the ADO.NET providers bind.
/// </summary>
public sealed class OrleansQueryCatalogTests(PostgresServer server) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async ValueTask InitializeAsync() => _dataSource = NpgsqlDataSource.Create(await server.CreateMigratedDatabaseAsync(Ct));

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task DeleteStorage_RemovesTheRowOnlyForTheCurrentVersion()
    {
        var key = StorageKey();
        Assert.Equal(1, await RunScalarAsync<int>("WriteToStorageKey", key.Concat([("GrainStateVersion", (object?)null), ("PayloadBinary", new byte[] { 1, 2, 3 })])));
        Assert.Equal(2, await RunScalarAsync<int>("WriteToStorageKey", key.Concat([("GrainStateVersion", (object?)1), ("PayloadBinary", new byte[] { 4 })])));

        var stale = await RunScalarAsync<int?>("DeleteStorageKey", key.Append(("GrainStateVersion", 1)));
        var current = await RunScalarAsync<int?>("DeleteStorageKey", key.Append(("GrainStateVersion", 2)));

        Assert.Null(stale);
        Assert.Equal(3, current);
        Assert.Null(await RunScalarAsync<byte[]?>("ReadFromStorageKey", key));
    }

    [Fact]
    public async Task WriteToStorage_SecondFirstWriteLosesAndStaleVersionIsRefused()
    {
        var key = StorageKey();
        Assert.Equal(1, await RunScalarAsync<int?>("WriteToStorageKey", key.Concat([("GrainStateVersion", (object?)null), ("PayloadBinary", new byte[] { 1 })])));

        var secondInsert = await RunScalarAsync<int?>("WriteToStorageKey", key.Concat([("GrainStateVersion", (object?)null), ("PayloadBinary", new byte[] { 2 })]));
        var staleUpdate = await RunScalarAsync<int?>("WriteToStorageKey", key.Concat([("GrainStateVersion", (object?)7), ("PayloadBinary", new byte[] { 3 })]));

        Assert.Null(secondInsert);
        Assert.Equal(7, staleUpdate);
        Assert.Equal(new byte[] { 1 }, await RunScalarAsync<byte[]?>("ReadFromStorageKey", key));
    }

    [Fact]
    public async Task MembershipCleanupAndDeletion_RemoveOnlyWhatTheyShould()
    {
        const string Deployment = "cluster-a";
        Assert.Equal(1, await RunScalarAsync<int>("InsertMembershipVersionKey", [("DeploymentId", Deployment)]));
        Assert.Equal(0, await RunScalarAsync<int>("InsertMembershipVersionKey", [("DeploymentId", Deployment)]));
        var old = DateTime.UtcNow.AddHours(-2);
        Assert.Equal(1, await RunScalarAsync<int>("InsertMembershipKey", Member(Deployment, 1, status: 6, old, version: 0)));
        Assert.Equal(1, await RunScalarAsync<int>("InsertMembershipKey", Member(Deployment, 2, status: 3, old, version: 1)));
        Assert.Equal(0, await RunScalarAsync<int>("InsertMembershipKey", Member(Deployment, 3, status: 3, old, version: 1)));

        await RunAsync("CleanupDefunctSiloEntriesKey", [("DeploymentId", Deployment), ("IAmAliveTime", DateTime.UtcNow.AddHours(-1))]);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM OrleansMembershipTable"));

        await RunAsync("DeleteMembershipTableEntriesKey", [("DeploymentId", Deployment)]);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM OrleansMembershipTable"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM OrleansMembershipVersionTable"));
    }

    [Fact]
    public async Task ReminderRangesAndDeletion_FollowTheRing()
    {
        foreach (var (grain, hash) in new[] { ("g1", -100), ("g2", 0), ("g3", 100) })
        {
            Assert.Equal(0, await RunScalarAsync<int>("UpsertReminderRowKey",
            [
                ("ServiceId", "svc"), ("GrainId", grain), ("ReminderName", "r"), ("StartTime", DateTime.UtcNow),
                ("Period", 60_000L), ("GrainHash", hash),
            ]));
        }

        var inside = await ReadGrainsAsync("ReadRangeRows1Key", [("ServiceId", "svc"), ("BeginHash", -100), ("EndHash", 100)]);
        var wrapped = await ReadGrainsAsync("ReadRangeRows2Key", [("ServiceId", "svc"), ("BeginHash", 50), ("EndHash", -50)]);
        await RunAsync("DeleteReminderRowsKey", [("ServiceId", "svc")]);

        Assert.Equal(["g2", "g3"], inside);
        Assert.Equal(["g1", "g3"], wrapped);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM OrleansRemindersTable"));
    }

    private static (string, object?)[] StorageKey() =>
    [
        ("GrainIdHash", 11), ("GrainIdN0", 1L), ("GrainIdN1", 2L), ("GrainTypeHash", 22), ("GrainTypeString", "probe"),
        ("GrainIdExtensionString", null), ("ServiceId", "svc"),
    ];

    private static (string, object?)[] Member(string deployment, int generation, int status, DateTime time, int version) =>
    [
        ("DeploymentId", deployment), ("Address", "127.0.0.1"), ("Port", 11111), ("Generation", generation),
        ("SiloName", $"silo{generation}"), ("HostName", "host"), ("Status", status), ("ProxyPort", 30000),
        ("StartTime", time), ("IAmAliveTime", time), ("Version", version),
    ];

    private async Task<string> QueryTextAsync(string key)
    {
        await using var command = DataSource.CreateCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key");
        command.Parameters.AddWithValue("key", key);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<NpgsqlCommand> CommandAsync(string key, IEnumerable<(string Name, object? Value)> parameters)
    {
        var command = DataSource.CreateCommand(await QueryTextAsync(key));
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private async Task RunAsync(string key, IEnumerable<(string, object?)> parameters)
    {
        await using var command = await CommandAsync(key, parameters);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<T> RunScalarAsync<T>(string key, IEnumerable<(string, object?)> parameters)
    {
        await using var command = await CommandAsync(key, parameters);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default! : (T)value;
    }

    private async Task<string[]> ReadGrainsAsync(string key, IEnumerable<(string, object?)> parameters)
    {
        await using var command = await CommandAsync(key, parameters);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var grains = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            grains.Add(reader.GetString(reader.GetOrdinal("GrainId")));
        }

        return grains.Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
