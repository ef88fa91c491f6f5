using Npgsql;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The conformance suite on a <see cref="PostgresSweepStore"/>, each test on a fresh migrated database.</summary>
public sealed class PostgresSweepStoreTests(PostgresServer server) : SweepStoreConformanceTests
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("No database yet.");

    [Fact]
    public async Task Checkpoint_StoredBytesAreRawBytea()
    {
        var sweep = StoreTestData.Sweep("alpha");
        await Store.CreateSweepAsync(sweep, Ct);
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

        await Store.SaveCheckpointAsync(sweep.Trials[0].TrialId, 3, data, Ct);

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT data, sha256 FROM checkpoints WHERE trial_id = @id", connection);
        command.Parameters.AddWithValue("id", sweep.Trials[0].TrialId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(data, reader.GetFieldValue<byte[]>(0));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), reader.GetFieldValue<byte[]>(1));
    }

    [Fact]
    public async Task ItsConnections_PrepareWhatRepeats_AndAreNotResetInThePool_AndStillAnswer()
    {
        await using var store = new PostgresSweepStore(ConnectionString);

        Assert.Equal(PostgresSweepStore.AutoPreparedStatements, store.Settings.MaxAutoPrepare);
        Assert.True(store.Settings.NoResetOnClose);
        Assert.False(store.LoadsTypes);
        // Past the fifth use a statement runs prepared; the answers stay the same.
        var sweep = StoreTestData.Sweep("alpha");
        await store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0].TrialId;
        for (var step = 1; step <= 12; step++)
        {
            await store.SetTrialStatusAsync(trial, TrialStatus.Running, step, Ct);
            Assert.Equal(step, (await store.GetTrialStatusesAsync("alpha", Ct))[trial].Steps);
        }
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("maxautoprepare=3;noresetonclose=false", 3, false)]
    [InlineData("MAX AUTO PREPARE=7;Server Compatibility Mode=None", 7, true)]
    public async Task AConnectionStringThatSetsThem_Wins(string settings, int maxAutoPrepare, bool noReset)
    {
        await using var store = new PostgresSweepStore($"{ConnectionString};{settings}");

        Assert.Equal((maxAutoPrepare, noReset), (store.Settings.MaxAutoPrepare, store.Settings.NoResetOnClose));
        Assert.Equal(settings.Contains("Compatibility", StringComparison.Ordinal), store.LoadsTypes);
        await store.CreateSweepAsync(StoreTestData.Sweep("alpha"), Ct);
        Assert.Equal(["alpha"], (await store.ListSweepsAsync(Ct)).Select(s => s.SweepId));
    }

    [Fact]
    public async Task ASweepRowWhoseDefinitionDoesNotDecode_IsListedAsDamaged_AndHidesNoOtherSweep()
    {
        await Store.CreateSweepAsync(StoreTestData.Sweep("alpha"), Ct);
        await Store.CreateSweepAsync(StoreTestData.Sweep("beta"), Ct);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("UPDATE sweeps SET definition = '{\"sweepId\": [1, 2]' WHERE sweep_id = 'alpha'", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        Assert.Equal(["beta"], (await Store.ListSweepsAsync(Ct)).Select(s => s.SweepId));
        var damage = Assert.Single(await Store.GetDamageAsync(null, Ct));
        Assert.Equal((StoreDamageKind.Sweep, "alpha"), (damage.Kind, damage.SweepId));
        Assert.Empty(await Store.GetDamageAsync("beta", Ct));
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetSweepAsync("alpha", Ct));
        Assert.Contains("'alpha'", error.Message);
    }

    protected override async Task<ISweepStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        return new PostgresSweepStore(_connectionString);
    }

    protected override Task<ISweepStore> ReopenStoreAsync() => Task.FromResult<ISweepStore>(new PostgresSweepStore(ConnectionString));

    protected override async Task CorruptCheckpointAsync(string trialId, int step)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        // Flip the first byte in place, as a bad disk or a bad restore would, leaving the stored checksum alone.
        await using var command = new NpgsqlCommand(
            "UPDATE checkpoints SET data = set_byte(data, 0, 255 - get_byte(data, 0)) WHERE trial_id = @id AND step = @step", connection);
        command.Parameters.AddWithValue("id", trialId);
        command.Parameters.AddWithValue("step", step);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    protected override async Task<int[]> StoredCheckpointStepsAsync(string trialId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT step FROM checkpoints WHERE trial_id = @id ORDER BY step DESC", connection);
        command.Parameters.AddWithValue("id", trialId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var steps = new List<int>();
        while (await reader.ReadAsync(Ct))
        {
            steps.Add(reader.GetInt32(0));
        }

        return steps.ToArray();
    }
}
