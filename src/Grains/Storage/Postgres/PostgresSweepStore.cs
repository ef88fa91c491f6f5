using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>
/// The cluster store: Sweep's tables in PostgreSQL (see <c>Migrations/0001_sweep_schema.sql</c>; run
/// <see cref="PostgresMigrator"/> first). Every write is one transaction; checkpoints keep the newest two per trial
/// (by step) with a SHA-256 verified on load; a result is recorded exactly once (INSERT … ON CONFLICT DO NOTHING
/// under a lock on the trial's row); a rung decision is one upsert that replaces only a stored pause
/// (<c>Migrations/0007_search_rungs.sql</c>). Parameterised SQL only.
/// </summary>
public sealed class PostgresSweepStore : ISweepStore, IAsyncDisposable
{
    private const string PostgresForeignKeyViolation = "23503";

    private const string ResultColumns = """
        t.trial_id, t.sweep_id, t.dataset, t.architecture, t.filters, t.learning_rate, t.seed, t.status, t.steps,
        t.train_accuracy, t.dev_accuracy, t.test_accuracy, t.test_weighted_f1, t.test_weighted_area_ratio, t.wall_seconds
        """;

    /// <summary>Statements kept prepared per connection (Npgsql's <c>Max Auto Prepare</c>): more than the store has.</summary>
    internal const int AutoPreparedStatements = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    // Once seen, the column stays: a database is never migrated down.
    private bool _hasGridColumn;

    /// <param name="connectionString">An Npgsql connection string, e.g. "Host=db;Database=sweep;Username=sweep;Password=…".</param>
    public PostgresSweepStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var given = Keywords(connectionString);
        // A silo runs the same few statements for every trial. Planning them each time (the result read alone plans
        // for longer than it runs) was a third of the server's CPU a trial: they are prepared after their fifth use
        // on a connection. And the store leaves no session state behind (its locks are the transaction's), so a
        // connection going back to the pool is not reset, which was six statements more a use. A connection string
        // that sets either wins.
        if (!given.Contains(nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }
        if (!given.Contains(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        // The store's columns are all built-in types (text, integer, double precision, bytea, timestamptz, jsonb and
        // arrays of them), which Npgsql knows without reading pg_type: skipping that query on each new pool's first
        // connection is about 10 ms of every CLI command on a cluster.
        LoadsTypes = given.Contains("ServerCompatibilityMode");
        if (!LoadsTypes)
        {
            builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        }
        _dataSource = builder.Build();
        _ownsDataSource = true;
    }

    /// <summary>
    /// Whether its connections read the server's types from pg_type: only where the connection string asks for a
    /// compatibility mode of its own.
    /// </summary>
    internal bool LoadsTypes { get; }

    /// <summary>The settings this store's connections are made with (the password left out).</summary>
    internal NpgsqlConnectionStringBuilder Settings => new(_dataSource.ConnectionString);

    /// <summary>The keywords a connection string sets, without spaces ("Max Auto Prepare" → MaxAutoPrepare), any case.</summary>
    internal static HashSet<string> Keywords(string connectionString) =>
        new(new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);

    /// <param name="dataSource">Shared; not disposed by this store.</param>
    public PostgresSweepStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
        }
    }

    public async Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default)
    {
        SweepValidation.Validate(sweep);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int inserted;
        // The grid's own column exists from 0008_query_indexes on; a database not yet migrated still takes sweeps.
        var withGrid = _hasGridColumn || (_hasGridColumn = await HasGridColumnAsync(connection, transaction, cancellationToken));
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO sweeps (sweep_id, grid_hash, definition, created_at{(withGrid ? ", grid_json, created_at_exact" : "")})
            VALUES (@id, @hash, @definition, @created{(withGrid ? ", @grid, @exact" : "")})
            ON CONFLICT (sweep_id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", sweep.SweepId);
            insert.Parameters.AddWithValue("hash", sweep.GridHash);
            insert.Parameters.AddWithValue("definition", JsonSerializer.Serialize(sweep, StorageCodec.Json));
            insert.Parameters.AddWithValue("created", sweep.CreatedAt.UtcDateTime);
            if (withGrid)
            {
                insert.Parameters.AddWithValue("grid", sweep.GridJson);
                insert.Parameters.AddWithValue("exact", sweep.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            }
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (inserted == 0)
        {
            var stored = await ReadSweepAsync(connection, transaction, sweep.SweepId, cancellationToken)
                ?? throw new InvalidOperationException($"Sweep '{sweep.SweepId}' conflicted on insert but cannot be read back.");
            return SweepValidation.SameOrConflict(stored, sweep);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY trials (trial_id, sweep_id, ordinal, dataset, architecture, filters, learning_rate, seed) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            var ordinal = 0;
            foreach (var trial in sweep.Trials)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(trial.TrialId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(trial.SweepId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(ordinal++, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(trial.Dataset.Name, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(trial.Architecture, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(trial.Filters, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(trial.LearningRate, NpgsqlDbType.Double, cancellationToken);
                await importer.WriteAsync(trial.Seed, NpgsqlDbType.Integer, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return sweep;
    }

    public async Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadSweepAsync(connection, null, sweepId, cancellationToken);
    }

    public async Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT definition FROM sweeps ORDER BY created_at DESC, sweep_id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sweeps = new List<SweepDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // A definition that does not decode is listed by GetDamageAsync, not allowed to hide the others.
            if (TryDeserializeSweep(reader.GetString(0)) is { } sweep)
            {
                sweeps.Add(sweep);
            }
        }

        return sweeps;
    }

    /// <summary>
    /// Sweep rows whose definition does not decode. Checkpoint rows carry a SHA-256 and a damaged one is skipped on
    /// load (the older one, else step 0, is used); the other tables hold typed columns with no checksum of their own.
    /// </summary>
    public async Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        await using var command = _dataSource.CreateCommand("SELECT sweep_id, definition FROM sweeps WHERE @id IS NULL OR sweep_id = @id ORDER BY sweep_id COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter<string?>("id", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = sweepId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var damage = new List<StoreDamage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (TryDeserializeSweep(reader.GetString(1)) is null)
            {
                var id = reader.GetString(0);
                damage.Add(new StoreDamage(StoreDamageKind.Sweep, id, null, $"table sweeps, sweep_id '{id}'", "its definition does not decode"));
            }
        }

        return damage;
    }

    public async Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        await using var command = _dataSource.CreateCommand("""
            WITH updated AS (
                UPDATE trials SET status = @status, steps = @steps, updated_at = now()
                 WHERE trial_id = @id AND finished_at IS NULL
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM trials WHERE trial_id = @id)
            """);
        command.Parameters.AddWithValue("id", trialId);
        command.Parameters.AddWithValue("status", status.ToString());
        command.Parameters.AddWithValue("steps", steps);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new KeyNotFoundException($"Trial '{trialId}' is not part of any sweep in database '{_dataSource.ConnectionString.DatabaseName()}'.");
        }
    }

    public async Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        await using var command = _dataSource.CreateCommand("SELECT trial_id, status, steps FROM trials WHERE sweep_id = @id");
        command.Parameters.AddWithValue("id", sweepId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statuses = new Dictionary<string, (TrialStatus Status, int Steps)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            statuses[reader.GetString(0)] = (Enum.Parse<TrialStatus>(reader.GetString(1)), reader.GetInt32(2));
        }

        return statuses;
    }

    public async Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var sha256 = StorageCodec.Sha256(data.Span);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // One writer per trial at a time, so "keep the newest two" holds even for concurrent saves.
        var lockTrial = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended(@id, 0))");
        lockTrial.Parameters.AddWithValue("id", trialId);
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO checkpoints (trial_id, step, sha256, data, saved_at)
            SELECT @id, @step, @sha256, @data, now() WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @id)
            ON CONFLICT (trial_id, step) DO UPDATE SET sha256 = excluded.sha256, data = excluded.data, saved_at = excluded.saved_at
            """);
        upsert.Parameters.AddWithValue("id", trialId);
        upsert.Parameters.AddWithValue("step", step);
        upsert.Parameters.AddWithValue("sha256", sha256);
        upsert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = data });
        var prune = new NpgsqlBatchCommand("""
            DELETE FROM checkpoints
             WHERE trial_id = @id
               AND step NOT IN (SELECT step FROM checkpoints WHERE trial_id = @id ORDER BY step DESC LIMIT 2)
            """);
        prune.Parameters.AddWithValue("id", trialId);
        batch.BatchCommands.Add(lockTrial);
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(prune);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (upsert.RecordsAffected == 0)
        {
            throw new KeyNotFoundException($"Cannot store a checkpoint for trial '{trialId}': it is not part of any sweep in database '{connection.Database}'.");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var candidates = new List<(int Step, byte[] Sha256, DateTimeOffset SavedAt)>();
        await using (var list = new NpgsqlCommand(
            "SELECT step, sha256, saved_at FROM checkpoints WHERE trial_id = @id ORDER BY step DESC", connection))
        {
            list.Parameters.AddWithValue("id", trialId);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        // Newest first, fetching one checkpoint's bytes at a time: the older one crosses the wire only when needed.
        foreach (var (step, sha256, savedAt) in candidates)
        {
            await using var fetch = new NpgsqlCommand("SELECT data FROM checkpoints WHERE trial_id = @id AND step = @step", connection);
            fetch.Parameters.AddWithValue("id", trialId);
            fetch.Parameters.AddWithValue("step", step);
            // A damaged newest checkpoint (or one pruned since the listing) falls back to the older one.
            if (await fetch.ExecuteScalarAsync(cancellationToken) is byte[] data && StorageCodec.Sha256(data).AsSpan().SequenceEqual(sha256))
            {
                return new StoredCheckpoint(trialId, step, data, savedAt);
            }
        }

        return null;
    }

    public async Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default)
    {
        ResultValidation.Validate(result);
        var row = result.Row;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var trial = new NpgsqlCommand(
            "SELECT sweep_id, dataset, architecture, filters, learning_rate, seed FROM trials WHERE trial_id = @id FOR NO KEY UPDATE",
            connection, transaction))
        {
            trial.Parameters.AddWithValue("id", row.TrialId);
            await using var reader = await trial.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new KeyNotFoundException($"Cannot record a result for trial '{row.TrialId}': it is not part of any sweep in database '{connection.Database}'.");
            }

            ResultValidation.MatchesTrial(
                row, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetDouble(4), reader.GetInt32(5));
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO trial_results (trial_id, curve, train, dev, test, error) VALUES (@id, @curve, @train, @dev, @test, @error)
            ON CONFLICT (trial_id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", row.TrialId);
            insert.Parameters.AddWithValue("curve", StorageCodec.EncodeCurve(result.Curve));
            AddEvaluation(insert, "train", result.Train);
            AddEvaluation(insert, "dev", result.Dev);
            AddEvaluation(insert, "test", result.Test);
            insert.Parameters.Add(new NpgsqlParameter<string?>("error", NpgsqlDbType.Text) { TypedValue = result.Error });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var update = new NpgsqlBatchCommand("""
            UPDATE trials
               SET status = @status, steps = @steps, updated_at = now(), finished_at = now(),
                   train_accuracy = @train, dev_accuracy = @dev, test_accuracy = @test, test_weighted_f1 = @f1,
                   test_weighted_area_ratio = @area, wall_seconds = @wall
             WHERE trial_id = @id
            """);
        update.Parameters.AddWithValue("id", row.TrialId);
        update.Parameters.AddWithValue("status", row.Status.ToString());
        update.Parameters.AddWithValue("steps", row.Steps);
        update.Parameters.AddWithValue("train", row.TrainAccuracy);
        update.Parameters.AddWithValue("dev", row.DevAccuracy);
        update.Parameters.AddWithValue("test", row.TestAccuracy);
        update.Parameters.AddWithValue("f1", row.TestWeightedF1);
        update.Parameters.AddWithValue("area", row.TestWeightedAreaRatio);
        update.Parameters.AddWithValue("wall", row.WallSeconds);
        batch.BatchCommands.Add(update);
        AddPredictions(batch, row.TrialId, PredictionSplit.Dev, result.DevPredictions);
        AddPredictions(batch, row.TrialId, PredictionSplit.Test, result.TestPredictions);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        var results = await ReadResultsAsync("t.trial_id = @key", trialId, cancellationToken);
        return results.Count == 0 ? null : results[0];
    }

    public async Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        return await ReadResultsAsync("t.sweep_id = @key", sweepId, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        await using var command = _dataSource.CreateCommand("""
            SELECT r.trial_id, r.error
              FROM trial_results r
              JOIN trials t ON t.trial_id = r.trial_id
             WHERE t.sweep_id = @sweep AND r.error IS NOT NULL
            """);
        command.Parameters.AddWithValue("sweep", sweepId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            errors[reader.GetString(0)] = reader.GetString(1);
        }

        return errors;
    }

    public async Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default)
    {
        LeaderboardOrder.Validate(query);
        var column = query.Metric switch
        {
            "testAccuracy" => "t.test_accuracy",
            "devAccuracy" => "t.dev_accuracy",
            "trainAccuracy" => "t.train_accuracy",
            "testWeightedF1" => "t.test_weighted_f1",
            "testWeightedAreaRatio" => "t.test_weighted_area_ratio",
            _ => "t.wall_seconds",
        };
        var sql = new StringBuilder($"SELECT {ResultColumns} FROM trials t WHERE t.finished_at IS NOT NULL");
        await using var command = _dataSource.CreateCommand();
        if (query.SweepId is not null)
        {
            sql.Append(" AND t.sweep_id = @sweep");
            command.Parameters.AddWithValue("sweep", query.SweepId);
        }

        if (query.Dataset is not null)
        {
            sql.Append(" AND t.dataset = @dataset");
            command.Parameters.AddWithValue("dataset", query.Dataset);
        }

        if (query.Architecture is not null)
        {
            sql.Append(" AND t.architecture = @architecture");
            command.Parameters.AddWithValue("architecture", query.Architecture);
        }

        // Literal, not a parameter: the planner matches it to the partial rank indexes of 0008_query_indexes.
        if (query.Pruned is { } pruned)
        {
            sql.Append(pruned ? " AND t.status = 'Pruned'" : " AND t.status <> 'Pruned'");
        }

        // Same order as LeaderboardOrder: NaN last, best first, ties by trial id in byte (ordinal) order.
        sql.Append($" ORDER BY ({column} = 'NaN'::float8), {column} {(LeaderboardOrder.Ascending(query.Metric) ? "ASC" : "DESC")}, t.trial_id COLLATE \"C\"");
        if (query.Top is { } top)
        {
            sql.Append(" LIMIT @top");
            command.Parameters.AddWithValue("top", top);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<LeaderboardRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    /// <summary>
    /// One aggregate over the <c>trials_sweep_status</c> index; definitions are not read (one that does not decode is
    /// named by <see cref="GetDamageAsync"/>), and PostgreSQL rows carry no checksum, so the damage listed is none.
    /// </summary>
    public async Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default)
    {
        if (sweepId is not null)
        {
            StorageCodec.ValidateId(sweepId, "sweep id");
        }

        await using var command = _dataSource.CreateCommand("""
            SELECT s.sweep_id, s.created_at, c.status, c.trials, s.created_at_exact
              FROM sweeps s
              LEFT JOIN LATERAL (SELECT t.status, count(*) AS trials FROM trials t WHERE t.sweep_id = s.sweep_id GROUP BY t.status) c ON true
             WHERE @id IS NULL OR s.sweep_id = @id
             ORDER BY s.created_at DESC, s.sweep_id COLLATE "C"
            """);
        command.Parameters.Add(new NpgsqlParameter<string?>("id", NpgsqlDbType.Text) { TypedValue = sweepId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // One row per (sweep, status), in the sweeps' order; a sweep without trials comes with a null status.
        var sweeps = new List<(string SweepId, DateTimeOffset CreatedAt, Dictionary<TrialStatus, int> Statuses)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (sweeps.Count == 0 || sweeps[^1].SweepId != id)
            {
                var createdAt = reader.IsDBNull(4)
                    ? new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero)
                    : DateTimeOffset.ParseExact(reader.GetString(4), "O", CultureInfo.InvariantCulture);
                sweeps.Add((id, createdAt, []));
            }

            if (!reader.IsDBNull(2))
            {
                sweeps[^1].Statuses[Enum.Parse<TrialStatus>(reader.GetString(2))] = (int)reader.GetInt64(3);
            }
        }

        return new SweepOverview([.. sweeps.Select(s => new SweepCounts(s.SweepId, s.CreatedAt, s.Statuses.Values.Sum(), s.Statuses, []))], []);
    }

    /// <summary>The page by the <c>(sweep_id, ordinal)</c> key: <c>OFFSET … LIMIT …</c>, joined to the results for errors.</summary>
    public async Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (take is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        string gridJson;
        int total;
        await using (var head = new NpgsqlCommand(
            "SELECT grid_json, (SELECT count(*) FROM trials WHERE sweep_id = @id) FROM sweeps WHERE sweep_id = @id", connection))
        {
            head.Parameters.AddWithValue("id", sweepId);
            await using var reader = await head.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            gridJson = reader.IsDBNull(0) ? "" : reader.GetString(0);
            total = (int)reader.GetInt64(1);
        }

        if (gridJson.Length == 0)
        {
            // Stored before 0008_query_indexes: the grid only in the definition.
            gridJson = (await ReadSweepAsync(connection, null, sweepId, cancellationToken))?.GridJson ?? "{}";
        }

        await using var command = new NpgsqlCommand($"""
            SELECT {ResultColumns}, t.finished_at IS NOT NULL, r.error
              FROM trials t
              LEFT JOIN trial_results r ON r.trial_id = t.trial_id
             WHERE t.sweep_id = @id
             ORDER BY t.ordinal
            OFFSET @skip LIMIT @take
            """, connection);
        command.Parameters.AddWithValue("id", sweepId);
        command.Parameters.AddWithValue("skip", skip);
        command.Parameters.Add(new NpgsqlParameter<int?>("take", NpgsqlDbType.Integer) { TypedValue = take });
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        var trials = new List<TrialListing>();
        while (await rows.ReadAsync(cancellationToken))
        {
            var finished = rows.GetBoolean(15);
            var row = finished ? ReadRow(rows) : null;
            trials.Add(new TrialListing(rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3), rows.GetInt32(4),
                rows.GetDouble(5), rows.GetInt32(6), Enum.Parse<TrialStatus>(rows.GetString(7)), rows.GetInt32(8), row,
                rows.IsDBNull(16) ? null : rows.GetString(16), null));
        }

        return new TrialPage(sweepId, gridJson, total, Math.Min(skip, total), trials, []);
    }

    /// <summary>Always empty: result rows carry no checksum of their own (see <see cref="GetDamageAsync"/>).</summary>
    public Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Task.FromResult<IReadOnlyList<StoreDamage>>([]);
    }

    public async Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(trialId, "trial id");
        await using var command = _dataSource.CreateCommand("SELECT classes, labels, probabilities FROM predictions WHERE trial_id = @id AND split = @split");
        command.Parameters.AddWithValue("id", trialId);
        command.Parameters.AddWithValue("split", split.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? StorageCodec.DecodePredictions(reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2))
            : null;
    }

    public async Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        StudyJson.Validate(sweepId, studyJson);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO studies (sweep_id, study, updated_at) VALUES (@id, @study, now())
            ON CONFLICT (sweep_id) DO UPDATE SET study = excluded.study, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("id", sweepId);
        command.Parameters.AddWithValue("study", studyJson);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresForeignKeyViolation)
        {
            throw new KeyNotFoundException($"Cannot store a study for sweep '{sweepId}': no such sweep in database '{_dataSource.ConnectionString.DatabaseName()}'.", e);
        }
    }

    public async Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        await using var command = _dataSource.CreateCommand("SELECT study FROM studies WHERE sweep_id = @id");
        command.Parameters.AddWithValue("id", sweepId);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default)
    {
        RungValidation.Validate(sweepId, call);
        // One statement, so atomic: insert, or replace a stored pause by an outcome (see RungValidation.Replaces);
        // 'recorded' is left as it was, so a replaced pause keeps its place in the order.
        await using var command = _dataSource.CreateCommand("""
            WITH written AS (
                INSERT INTO trial_rungs (trial_id, rung, sweep_id, step, metric, verdict, standing_trials, standing_metrics, promotable)
                SELECT @trial, @rung, @sweep, @step, @metric, @verdict, @trials, @metrics, @promotable
                 WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @trial AND sweep_id = @sweep)
                ON CONFLICT (trial_id, rung) DO UPDATE
                   SET step = excluded.step, metric = excluded.metric, verdict = excluded.verdict,
                       standing_trials = excluded.standing_trials, standing_metrics = excluded.standing_metrics,
                       promotable = excluded.promotable, decided_at = now()
                 WHERE trial_rungs.verdict = 'pause' AND excluded.verdict <> 'pause'
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM trials WHERE trial_id = @trial AND sweep_id = @sweep)
            """);
        command.Parameters.AddWithValue("trial", call.TrialId);
        command.Parameters.AddWithValue("rung", call.Rung);
        command.Parameters.AddWithValue("sweep", sweepId);
        command.Parameters.AddWithValue("step", call.Step);
        command.Parameters.AddWithValue("metric", call.Metric);
        command.Parameters.AddWithValue("verdict", RungValidation.Name(call.Verdict));
        command.Parameters.AddWithValue("trials", call.Standings.Select(s => s.TrialId).ToArray());
        command.Parameters.AddWithValue("metrics", call.Standings.Select(s => s.Metric).ToArray());
        command.Parameters.AddWithValue("promotable", call.Promotable);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new KeyNotFoundException(
                $"Cannot record a rung decision for trial '{call.TrialId}': it is not part of sweep '{sweepId}' in database '{_dataSource.ConnectionString.DatabaseName()}'.");
        }
    }

    public async Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        await using var command = _dataSource.CreateCommand("""
            SELECT trial_id, rung, step, metric, verdict, standing_trials, standing_metrics, promotable
              FROM trial_rungs
             WHERE sweep_id = @sweep
             ORDER BY rung, recorded
            """);
        command.Parameters.AddWithValue("sweep", sweepId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var calls = new List<RungCall>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var trials = reader.GetFieldValue<string[]>(5);
            var metrics = reader.GetFieldValue<double[]>(6);
            calls.Add(new RungCall(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.GetDouble(3),
                RungValidation.Parse(reader.GetString(4)),
                trials.Zip(metrics, (trial, metric) => new RungStanding(trial, metric)).ToImmutableArray(),
                reader.GetInt32(7)));
        }

        return calls;
    }

    private static async Task<bool> HasGridColumnAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'sweeps' AND column_name = 'grid_json')",
            connection, transaction);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<SweepDefinition?> ReadSweepAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sweepId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT definition FROM sweeps WHERE sweep_id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", sweepId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not string json)
        {
            return null;
        }

        return TryDeserializeSweep(json) ?? throw new StoreException(
            $"sweep '{sweepId}' cannot be read: its definition in table sweeps of database '{connection.Database}' does not decode; submit its grid under a new name",
            sweepId,
            "a sweep whose stored definition decodes");
    }

    private static SweepDefinition? TryDeserializeSweep(string json)
    {
        try
        {
            return DeserializeSweep(json);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return null;
        }
    }

    private static SweepDefinition DeserializeSweep(string json) =>
        JsonSerializer.Deserialize<SweepDefinition>(json, StorageCodec.Json)
        ?? throw new InvalidDataException("A stored sweep definition is empty.");

    private static void AddEvaluation(NpgsqlCommand command, string name, Evaluation? evaluation) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb)
        {
            Value = evaluation is null ? DBNull.Value : JsonSerializer.Serialize(evaluation, StorageCodec.Json),
        });

    private static void AddPredictions(NpgsqlBatch batch, string trialId, PredictionSplit split, Predictions? predictions)
    {
        if (predictions is null)
        {
            return;
        }

        var insert = new NpgsqlBatchCommand(
            "INSERT INTO predictions (trial_id, split, classes, labels, probabilities) VALUES (@id, @split, @classes, @labels, @probabilities)");
        insert.Parameters.AddWithValue("id", trialId);
        insert.Parameters.AddWithValue("split", split.ToString());
        insert.Parameters.AddWithValue("classes", predictions.Classes);
        insert.Parameters.AddWithValue("labels", StorageCodec.EncodeLabels(predictions));
        insert.Parameters.AddWithValue("probabilities", StorageCodec.EncodeProbabilities(predictions));
        batch.BatchCommands.Add(insert);
    }

    private static LeaderboardRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt32(4),
        reader.GetDouble(5),
        reader.GetInt32(6),
        Enum.Parse<TrialStatus>(reader.GetString(7)),
        reader.GetInt32(8),
        reader.GetDouble(9),
        reader.GetDouble(10),
        reader.GetDouble(11),
        reader.GetDouble(12),
        reader.GetDouble(13),
        reader.GetDouble(14));

    private static Evaluation? ReadEvaluation(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<Evaluation>(reader.GetString(ordinal), StorageCodec.Json);

    private static Predictions? ReadPredictions(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : StorageCodec.DecodePredictions(reader.GetInt32(ordinal), reader.GetFieldValue<byte[]>(ordinal + 1), reader.GetFieldValue<byte[]>(ordinal + 2));

    private async Task<List<TrialResultRecord>> ReadResultsAsync(string condition, string key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            SELECT {ResultColumns}, r.curve, r.train, r.dev, r.test, r.error,
                   pd.classes, pd.labels, pd.probabilities, pt.classes, pt.labels, pt.probabilities
              FROM trials t
              JOIN trial_results r ON r.trial_id = t.trial_id
              LEFT JOIN predictions pd ON pd.trial_id = t.trial_id AND pd.split = 'Dev'
              LEFT JOIN predictions pt ON pt.trial_id = t.trial_id AND pt.split = 'Test'
             WHERE {condition}
             ORDER BY t.trial_id COLLATE "C"
            """);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<TrialResultRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new TrialResultRecord(
                ReadRow(reader),
                StorageCodec.DecodeCurve(reader.GetFieldValue<byte[]>(15)),
                ReadEvaluation(reader, 16),
                ReadEvaluation(reader, 17),
                ReadEvaluation(reader, 18),
                ReadPredictions(reader, 20),
                ReadPredictions(reader, 23),
                reader.IsDBNull(19) ? null : reader.GetString(19)));
        }

        return results;
    }
}
