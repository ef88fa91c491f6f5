using Npgsql;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// How PostgreSQL stores checkpoint bytes. Weights and ADAM moments are float noise that pglz cannot shrink, so the
/// column is EXTERNAL (out of line, never compressed): measured (bench checkpoint), the cheapest of the options
/// (large objects cost about four times as much server time per byte).
/// </summary>
public sealed class PostgresCheckpointStorageTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckpointData_IsStoredOutOfLineWithoutCompression()
    {
        var connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'checkpoints'::regclass AND attname = 'data'", connection);

        var storage = await command.ExecuteScalarAsync(Ct);

        Assert.Equal('e', storage);
    }

    [Fact]
    public async Task StoredCheckpoint_IsNotCompressed_AndLoadsItsExactBytes()
    {
        var connectionString = await server.CreateMigratedDatabaseAsync(Ct);
        await using var store = new PostgresSweepStore(connectionString);
        var sweep = StoreTestData.Sweep("toast", trials: 1);
        await store.CreateSweepAsync(sweep, Ct);
        var trial = sweep.Trials[0].TrialId;
        // Compressible on purpose: EXTERNAL must store it as it is, which pg_column_size shows.
        var data = new byte[1 << 20];
        await store.SaveCheckpointAsync(trial, 7, data, Ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT pg_column_size(data) FROM checkpoints WHERE trial_id = @id AND step = 7", connection);
        command.Parameters.AddWithValue("id", trial);

        var stored = Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        var loaded = await store.LoadCheckpointAsync(trial, Ct);

        Assert.True(stored >= data.Length, $"stored as {stored} bytes for {data.Length}: compressed");
        Assert.NotNull(loaded);
        Assert.True(data.AsSpan().SequenceEqual(loaded.Data), "checkpoint bytes differ");
    }
}
