using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sweep.Bench;

/// <summary>
/// A PostgreSQL server for a benchmark, on a free port of 127.0.0.1 with trust authentication, run as user
/// "postgres" when we are root. <see cref="StartAsync()"/>: initdb in a temp directory, durable (fsync on, the
/// server's defaults), stopped and deleted on dispose. <see cref="StartKeptAsync"/>: over a data directory kept
/// between runs (initdb the first time), fsync off (a store to read from, not one of record), stopped on dispose.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const double TicksPerSecond = 100; // USER_HZ: what /proc/[pid]/stat counts in on Linux
    private readonly string _bin;
    private readonly string _data;
    private readonly bool _asPostgres = Environment.IsPrivilegedProcess;

    private readonly bool _kept;

    private BenchPostgres(string bin, string directory, bool kept)
    {
        _bin = bin;
        Directory = directory;
        _data = Path.Combine(directory, "data");
        _kept = kept;
    }

    public string Directory { get; }

    public int Port { get; private set; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    public static Task<BenchPostgres> StartAsync() =>
        StartAsync(Path.Combine(Path.GetTempPath(), $"sweep-bench-pg-{Environment.ProcessId}"), kept: false, settings: "");

    /// <summary>A server over <paramref name="directory"/>, reusing the database found there.</summary>
    public static Task<BenchPostgres> StartKeptAsync(string directory) =>
        StartAsync(directory, kept: true, settings: " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB");

    private static async Task<BenchPostgres> StartAsync(string directory, bool kept, string settings)
    {
        var bin = System.IO.Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql).");
        var server = new BenchPostgres(bin, directory, kept);
        System.IO.Directory.CreateDirectory(server.Directory);
        if (server._asPostgres)
        {
            await RunAsync("chown", ["-R", $"{SuperUser}:", server.Directory], asPostgres: false);
        }
        if (!System.IO.Directory.Exists(server._data))
        {
            await server.RunAsync(Path.Combine(bin, "initdb"), ["-D", server._data, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--locale=C", "--no-instructions"]);
        }
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            server.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await server.RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", server._data, "-l", Path.Combine(server.Directory, "server.log"), "-w", "-o", $"-k {server.Directory} -c listen_addresses=127.0.0.1 -p {server.Port}{settings}", "start"]);
        return server;
    }

    /// <summary>CPU milliseconds (user + system) used so far by the server's processes (postmaster and children).</summary>
    public double ServerCpuMs()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var ticks = 0L;
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(entry, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            // Fields after the parenthesised command: state ppid ... utime(14) stime(15), counted from 1 with pid.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmaster || parent == postmaster)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }
        return ticks * 1000.0 / TicksPerSecond;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "fast", "-w", "stop"]);
        }
        finally
        {
            if (!_kept)
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private Task RunAsync(string program, string[] arguments) => RunAsync(program, arguments, _asPostgres);

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", SuperUser, "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
