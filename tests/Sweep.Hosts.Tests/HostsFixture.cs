using System.Security.Cryptography;

namespace Sweep.Hosts.Tests;

/// <summary>
/// What every fault test shares: the simulated hosts (<see cref="HostNetwork"/>), the database host's PostgreSQL
/// started by <c>deploy/db-host.sh init</c> (a database per test), and the reference: the same grid run once
/// embedded, whose metrics and test predictions every cluster result must equal bit for bit.
/// </summary>
public sealed class HostsFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, int> Hosts = new Dictionary<string, int>
    {
        ["db"] = 10, ["silo1"] = 11, ["silo2"] = 12, ["silo3"] = 13, ["silo4"] = 14, ["client"] = 20,
    };

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private int _databases;

    public HostNetwork Network { get; private set; } = null!;

    /// <summary>Temp directory of this run: the database's data, the grid, every host's log.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"sweep-hosts-{Environment.ProcessId}");

    public string DataDirectory => Path.Combine(Directory, "db");

    public string GridFile => Path.Combine(Directory, "grid.json");

    /// <summary>Certificates made by <c>deploy/make-certs.sh</c>: the cluster's CA, one per silo host, the client's.</summary>
    public string Certificates => Path.Combine(Directory, "certs");

    /// <summary>Certificates of a second CA, which the cluster does not trust.</summary>
    public string StrangerCertificates => Path.Combine(Directory, "stranger-certs");

    /// <summary>The environment a client host's sweep CLI gets its TLS files from.</summary>
    public IReadOnlyDictionary<string, string> ClientTls => Tls(Certificates, "client");

    /// <summary>The TLS settings of <c>sweep-silo</c> (and the CLI) for the certificate NAME in DIR.</summary>
    public static IReadOnlyDictionary<string, string> Tls(string directory, string name) => new Dictionary<string, string>
    {
        ["SWEEP_TLS_CERT"] = Path.Combine(directory, $"{name}.crt"),
        ["SWEEP_TLS_KEY"] = Path.Combine(directory, $"{name}.key"),
        ["SWEEP_TLS_CA"] = Path.Combine(directory, "ca.crt"),
    };

    /// <summary>The embedded run's trials (by id) and test predictions (by id, as <c>sweep predictions --format json</c>).</summary>
    public IReadOnlyDictionary<string, TrialState> ReferenceTrials { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> ReferencePredictions { get; private set; } = null!;

    /// <summary>Where each fault test appends its measured line (also printed to the test's output).</summary>
    public string ReportFile => Path.Combine(AppContext.BaseDirectory, "fault-report.txt");

    public async ValueTask InitializeAsync()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(GridFile, HostsGrid.Json);
        File.Delete(ReportFile);
        Network = await HostNetwork.CreateAsync(Hosts);
        await MakeCertificatesAsync();
        var init = await Network.RunAsync("db", CommandTimeout, new Dictionary<string, string>
        {
            ["SWEEP_DB_LISTEN"] = Network.Address("db"),
            ["SWEEP_DB_CLIENTS"] = HostNetwork.Subnet,
            ["SWEEP_DB_PASSWORD"] = _password,
            // Durability off for speed: a killed server process still keeps what it wrote (the OS has it).
            ["SWEEP_DB_OPTIONS"] = "fsync=off synchronous_commit=off full_page_writes=off",
        }, Repository.Deploy("db-host.sh"), "init", DataDirectory);
        init.Check("deploy/db-host.sh init");
        await RunReferenceAsync();
    }

    /// <summary>A fresh database for one cluster (the cluster's membership lives in it too); its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"c{Interlocked.Increment(ref _databases)}_{name}";
        (await Network.RunAsync("db", CommandTimeout, null, Repository.Deploy("db-host.sh"), "createdb", DataDirectory, database))
            .Check("deploy/db-host.sh createdb");
        return $"Host={Network.Address("db")};Port=5432;Database={database};Username=sweep;Password={_password}";
    }

    /// <summary>Runs SQL as the superuser on the database host; the rows unaligned, fields separated by '|'.</summary>
    public async Task<string[]> SqlAsync(string database, string sql)
    {
        var result = (await Network.RunAsync("db", CommandTimeout, null, Repository.Deploy("db-host.sh"), "psql", DataDirectory,
            "-d", database, "-Atc", sql)).Check($"psql: {sql}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Like <see cref="SqlAsync"/>, but null when the server does not answer (it may be restarting).</summary>
    public async Task<string[]?> TrySqlAsync(string database, string sql)
    {
        var result = await Network.RunAsync("db", CommandTimeout, null, Repository.Deploy("db-host.sh"), "psql", DataDirectory,
            "-d", database, "-Atc", sql);
        return result.ExitCode == 0 ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries) : null;
    }

    public Task<Shell.Result> DatabaseHostAsync(params string[] arguments) =>
        Network.RunAsync("db", CommandTimeout, null, [Repository.Deploy("db-host.sh"), .. arguments]);

    public async ValueTask DisposeAsync()
    {
        if (Network is not null)
        {
            await Network.RunAsync("db", CommandTimeout, null, Repository.Deploy("db-host.sh"), "stop", DataDirectory);
            await Network.DisposeAsync();
        }
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>What an operator does once per cluster (see the Security section of the README), and a stranger's CA.</summary>
    private async Task MakeCertificatesAsync()
    {
        var script = Repository.Deploy("make-certs.sh");
        (await Shell.RunAsync(script, ["ca", Certificates], CommandTimeout)).Check("deploy/make-certs.sh ca");
        foreach (var host in Hosts.Keys.Where(h => h.StartsWith("silo", StringComparison.Ordinal)))
        {
            (await Shell.RunAsync(script, ["host", Certificates, host, Network.Address(host)], CommandTimeout)).Check("deploy/make-certs.sh host");
        }
        (await Shell.RunAsync(script, ["client", Certificates, "client"], CommandTimeout)).Check("deploy/make-certs.sh client");
        (await Shell.RunAsync(script, ["ca", StrangerCertificates, "stranger-ca"], CommandTimeout)).Check("deploy/make-certs.sh ca (stranger)");
        (await Shell.RunAsync(script, ["host", StrangerCertificates, "silo4", Network.Address("silo4")], CommandTimeout)).Check("deploy/make-certs.sh host (stranger)");
        (await Shell.RunAsync(script, ["client", StrangerCertificates, "client"], CommandTimeout)).Check("deploy/make-certs.sh client (stranger)");
    }

    private async Task RunReferenceAsync()
    {
        var store = Path.Combine(Directory, "embedded");
        var client = Repository.Deploy("client-host.sh");
        (await Shell.RunAsync(client, ["submit", GridFile, "--store", store, "--slots", "2"], TimeSpan.FromMinutes(5)))
            .Check("embedded reference run (sweep submit --store)");
        var trials = (await Shell.RunAsync(client, ["trials", HostsGrid.SweepId, "--store", store, "--format", "json"], CommandTimeout))
            .Check("sweep trials (embedded)");
        ReferenceTrials = TrialState.Parse(trials.Stdout);
        var predictions = new Dictionary<string, string>();
        foreach (var trial in ReferenceTrials.Keys)
        {
            predictions[trial] = (await Shell.RunAsync(client, ["predictions", trial, "--store", store, "--format", "json"], CommandTimeout))
                .Check("sweep predictions (embedded)").Stdout;
        }
        ReferencePredictions = predictions;
        if (ReferenceTrials.Count != HostsGrid.Trials || ReferenceTrials.Values.Any(t => t.Status != "completed"))
        {
            throw new InvalidOperationException($"the embedded reference run did not complete all {HostsGrid.Trials} trials:\n{trials.Stdout}");
        }
    }
}
