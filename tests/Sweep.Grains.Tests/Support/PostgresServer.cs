using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Sweep.Grains.Tests.Support;

/// <summary>
/// A real, throwaway PostgreSQL server for the whole test run: a fresh data directory under the temp directory, a
/// free port on 127.0.0.1, trust authentication for user "postgres", fsync off (on with SWEEP_TEST_PG_DURABLE=1). Started once per test assembly
/// (an xunit assembly fixture: take it as a constructor parameter), stopped and deleted at the end. As root the
/// server runs as the unprivileged "postgres" user (created if missing). If anything is missing or fails, it throws
/// with the reason: tests fail loudly, they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private bool _durable;

    /// <summary>
    /// A server with fsync on, as a real one: for tests that crash it (immediate restarts). The assembly fixture's
    /// shared server runs without fsync, for speed, and would lose commits in a crash.
    /// </summary>
    public static PostgresServer Durable() => new() { _durable = true };

    private const string SuperUser = "postgres";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private int _databaseCounter;
    private string? _migratedTemplate;
    private string? _binDirectory;
    private string? _dataDirectory;
    private bool _runAsPostgresUser;

    /// <summary>The temp directory holding data, sockets and the server log.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"sweep-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string of the "postgres" maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            IncludeErrorDetail = true,
            MaxPoolSize = 20,
        }.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _runAsPostgresUser = Environment.IsPrivilegedProcess;
        System.IO.Directory.CreateDirectory(Directory);
        _dataDirectory = Path.Combine(Directory, "data");
        var socketDirectory = Path.Combine(Directory, "sockets");
        System.IO.Directory.CreateDirectory(socketDirectory);
        if (_runAsPostgresUser)
        {
            await EnsurePostgresUserAsync();
            await RunAsync("chown", ["-R", $"{SuperUser}:", Directory], asPostgres: false);
        }

        await RunAsync(Path.Combine(_binDirectory, "initdb"),
            ["-D", _dataDirectory, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            asPostgres: _runAsPostgresUser);

        // Durability is off for speed unless SWEEP_TEST_PG_DURABLE=1 (to measure what a real server would take).
        // A server that tests crash (immediate restarts) must be durable: without fsync a crash loses commits.
        var durability = _durable || Environment.GetEnvironmentVariable("SWEEP_TEST_PG_DURABLE") == "1"
            ? ""
            : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        // Another process may take the free port between our probe and the server's bind: then try another one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = string.Join(' ',
                $"-k {socketDirectory}", "-c listen_addresses=127.0.0.1", $"-p {Port}", durability, "-c max_connections=300", "-c shared_buffers=64MB");
            var (exitCode, output) = await RunCapturingAsync(Path.Combine(_binDirectory, "pg_ctl"),
                ["-D", _dataDirectory, "-l", Path.Combine(Directory, "server.log"), "-o", options, "-w", "start"],
                asPostgres: _runAsPostgresUser);
            if (exitCode == 0)
            {
                break;
            }

            var log = Path.Combine(Directory, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
            if (attempt == 3 || !serverLog.Contains("could not bind", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Test PostgreSQL server: pg_ctl start on port {Port} failed (exit {exitCode}):\n{output}\nServer log:\n{serverLog}");
            }
        }

        await WaitUntilReadyAsync();
    }

    /// <summary>A fresh, empty database for one test (class); returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        CreateDatabaseFromAsync("template0", cancellationToken);

    /// <summary>
    /// A fresh database with every migration applied (Sweep's tables and Orleans' tables and queries): a copy of a
    /// template migrated once per test run, which is much faster than migrating each database.
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken = default)
    {
        await _templateLock.WaitAsync(cancellationToken);
        try
        {
            if (_migratedTemplate is null)
            {
                var template = await CreateDatabaseAsync(cancellationToken);
                await PostgresMigrator.MigrateAsync(template, cancellationToken);
                NpgsqlConnection.ClearPool(new NpgsqlConnection(template));
                _migratedTemplate = new NpgsqlConnectionStringBuilder(template).Database;
            }

            // Copies of one template cannot be made concurrently (CREATE DATABASE needs the template to itself).
            return await CreateDatabaseFromAsync(_migratedTemplate!, cancellationToken);
        }
        finally
        {
            _templateLock.Release();
        }
    }

    private async Task<string> CreateDatabaseFromAsync(string template, CancellationToken cancellationToken)
    {
        var name = $"test_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Both names are generated here from digits, letters and underscores, so quoting them is enough.
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>
    /// Restarts the server in immediate mode, as after a crash: no shutdown checkpoint, every connection dropped,
    /// crash recovery on start (same port and options). Returns once it accepts connections again.
    /// </summary>
    public async Task RestartImmediatelyAsync()
    {
        await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"),
            ["-D", _dataDirectory!, "-l", Path.Combine(Directory, "server.log"), "-m", "immediate", "-w", "restart"],
            asPostgres: _runAsPostgresUser);
        await WaitUntilReadyAsync();
    }

    /// <summary>Terminates every other connection to <paramref name="database"/> (pg_terminate_backend); returns how many.</summary>
    public async Task<int> TerminateConnectionsAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", database);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_binDirectory is not null && _dataDirectory is not null && System.IO.Directory.Exists(_dataDirectory))
            {
                await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"],
                    asPostgres: _runAsPostgresUser);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private static string FindBinDirectory()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(directory, "initdb");
            if (File.Exists(initdb) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                // Debian links /usr/local/bin or /usr/bin entries into /usr/lib/postgresql/N/bin; use the real directory.
                var target = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
                return Path.GetDirectoryName(target)!;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(Debian))
        {
            var newest = System.IO.Directory.EnumerateDirectories(Debian)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return newest.Directory;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Run ./test.sh, which installs the postgresql package, or install PostgreSQL 15+ yourself (apt-get install postgresql).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task EnsurePostgresUserAsync()
    {
        var (exitCode, _) = await RunCapturingAsync("id", ["-u", SuperUser], asPostgres: false);
        if (exitCode != 0)
        {
            await RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SuperUser], asPostgres: false);
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var (exitCode, output) = await RunCapturingAsync(program, arguments, asPostgres);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"Test PostgreSQL server: '{program} {string.Join(' ', arguments)}'{(asPostgres ? " (as user postgres)" : "")} exited with {exitCode}:\n{output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunCapturingAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(SuperUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Test PostgreSQL server: could not start '{start.FileName}'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartDeadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Test PostgreSQL server: '{program} {string.Join(' ', arguments)}' did not finish within {StartDeadline.TotalSeconds} s.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                last = e;
                await Task.Delay(50);
            }
        }

        var logPath = Path.Combine(Directory, "server.log");
        var log = File.Exists(logPath) ? await File.ReadAllTextAsync(logPath) : "(no server log)";
        throw new TimeoutException(
            $"Test PostgreSQL server on 127.0.0.1:{Port} did not accept connections within {StartDeadline.TotalSeconds} s. Last error: {last?.Message}\nServer log:\n{log}");
    }
}
