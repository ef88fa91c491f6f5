using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>
/// Brings a PostgreSQL database to the schema this build needs: Sweep's tables and the Orleans ADO.NET tables and
/// named queries (clustering, grain state, reminders). Migrations are the embedded <c>Migrations/NNNN_name.sql</c>
/// files, applied in order, each once, each in its own transaction together with its row in
/// <c>schema_migrations(version, name, checksum, applied_at)</c>. A transaction-scoped advisory lock serialises
/// migrators, so silos that start together are safe; rerunning is a no-op; an applied migration whose text has
/// changed since (checksum mismatch) is an error.
/// </summary>
public static class PostgresMigrator
{
    /// <summary>Key of the advisory lock every migrator takes ("sweepmig" as ASCII).</summary>
    private const long AdvisoryLockKey = 0x73776565706D6967;

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(LoadEmbedded);

    /// <summary>The migrations in this build, in order.</summary>
    public static IReadOnlyList<Migration> Migrations => Embedded.Value;

    /// <summary>Applies every pending migration. Returns the versions applied by this call (empty when up to date).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        return await MigrateAsync(dataSource, cancellationToken);
    }

    /// <inheritdoc cref="MigrateAsync(string, CancellationToken)"/>
    public static Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default) =>
        MigrateAsync(dataSource, int.MaxValue, cancellationToken);

    /// <summary>Applies the pending migrations numbered up to <paramref name="throughVersion"/>: a database as an older build left it.</summary>
    internal static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, int throughVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var applied = new List<int>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var migration in Migrations.Where(m => m.Version <= throughVersion))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
            try
            {
                await ExecuteAsync(connection, transaction, """
                    CREATE TABLE IF NOT EXISTS schema_migrations
                    (
                        version    integer     NOT NULL PRIMARY KEY,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, cancellationToken);
            }
            catch (PostgresException e)
            {
                throw Failure("schema_migrations", connection, e);
            }

            await using (var check = new NpgsqlCommand("SELECT name, checksum FROM schema_migrations WHERE version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("version", migration.Version);
                await using var reader = await check.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    var name = reader.GetString(0);
                    var checksum = reader.GetString(1);
                    if (checksum != migration.Checksum)
                    {
                        throw new PostgresMigrationException(
                            $"Migration {migration.Version:D4} ('{name}') was applied to database '{connection.Database}' with checksum {checksum}, " +
                            $"but this build's {migration.FileName} has checksum {migration.Checksum}. An applied migration must never change; " +
                            "restore the original file and add a new, higher-numbered migration instead.");
                    }

                    continue;
                }
            }

            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            }
            catch (PostgresException e)
            {
                throw Failure(migration.FileName, connection, e);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration.Version);
        }

        return applied;
    }

    private static PostgresMigrationException Failure(string what, NpgsqlConnection connection, PostgresException e)
    {
        var hint = e.SqlState switch
        {
            PostgresErrorCodes.InsufficientPrivilege =>
                $" Role '{connection.UserName}' may not create tables here: run migrations as the database owner (CREATE DATABASE … OWNER {connection.UserName}).",
            PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateFunction or PostgresErrorCodes.DuplicateObject =>
                " The database already holds these objects from another source (for example Orleans' own scripts): migrate a fresh database instead.",
            _ => "",
        };
        return new PostgresMigrationException(
            $"Migration {what} failed on database '{connection.Database}' and was rolled back: {e.MessageText} (SQLSTATE {e.SqlState}).{hint}", e);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.EndsWith(".sql", StringComparison.Ordinal)))
        {
            // Resource names are "<namespace path>.Migrations.NNNN_name.sql".
            var fileName = resource[(resource.LastIndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
            var separator = fileName.IndexOf('_');
            if (separator != 4 || !int.TryParse(fileName.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Line endings are normalised so a checkout with CRLF endings has the same checksum.
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            migrations.Add(new Migration(version, fileName[(separator + 1)..^".sql".Length], fileName, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two embedded migrations share version {migrations[i].Version:D4}.");
            }
        }

        return migrations;
    }
}
