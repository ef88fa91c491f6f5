using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sweep.Hosts.Tests;

/// <summary>
/// One test's cluster on the simulated hosts: its own database, silos started with <c>deploy/silo-host.sh</c>
/// (lease 5 s, failure detection 5 s, one trainer slot each), and the client host's
/// <c>sweep submit grid.json --cluster … --wait</c>. Everything the test reads goes through the CLI on the client
/// host or SQL on the database host. Disposing kills whatever it started and prints the silos' cluster log lines.
/// </summary>
public sealed partial class FaultCluster(HostsFixture fixture, string name) : IAsyncDisposable
{
    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FailureDetection = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(300);
    private readonly List<SiloHost> _silos = [];
    private readonly Stopwatch _clock = new();
    private Process? _submit;

    public string ConnectionString { get; private set; } = "";

    public string Database => Regex.Match(ConnectionString, "Database=([^;]+)").Groups[1].Value;

    public IReadOnlyList<SiloHost> Silos => _silos;

    public string SubmitLog => Path.Combine(fixture.Directory, $"{name}-client.log");

    /// <summary>The file the silos read the connection string from (SWEEP_POSTGRES_FILE).</summary>
    public string ConnectionStringFile => Path.Combine(fixture.Directory, $"{name}.postgres");

    private HostNetwork Network => fixture.Network;

    private static ITestOutputHelper Output => TestContext.Current.TestOutputHelper!;

    /// <summary>Makes the database, starts the silos and waits until each one's health check says ok, then submits.</summary>
    public async Task StartAsync(params string[] hosts)
    {
        ConnectionString = await fixture.CreateDatabaseAsync(name);
        // As deploy/ says: the connection string in a file only the silo's user reads, never on a command line.
        File.WriteAllText(ConnectionStringFile, ConnectionString);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ConnectionStringFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        foreach (var host in hosts)
        {
            StartSilo(host);
        }
        await Task.WhenAll(hosts.Select(WaitHealthyAsync));
        _clock.Start();
        _submit = Shell.StartLogged(
            Network.On("client", Repository.Deploy("client-host.sh"), "submit", fixture.GridFile, "--cluster", ConnectionString, "--wait",
                "--response-timeout", "5"),
            SubmitLog, fixture.ClientTls, workingDirectory: fixture.Directory);
    }

    /// <param name="tls">The silo's TLS settings; default: the cluster's certificate for this host.</param>
    public SiloHost StartSilo(string host, IReadOnlyDictionary<string, string>? tls = null)
    {
        var log = Path.Combine(fixture.Directory, $"{name}-{host}.log");
        var environment = new Dictionary<string, string>(tls ?? HostsFixture.Tls(fixture.Certificates, host))
        {
            ["SWEEP_POSTGRES_FILE"] = ConnectionStringFile,
            ["SWEEP_ADVERTISE"] = Network.Address(host),
            ["SWEEP_SLOTS"] = "1",
            ["SWEEP_LEASE_TIMEOUT"] = LeaseTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SWEEP_FAILURE_DETECTION"] = FailureDetection.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SWEEP_HOME"] = Path.Combine(fixture.Directory, $"{name}-{host}-home"),
        };
        var process = Shell.StartLogged(Network.On(host, Repository.Deploy("silo-host.sh"), "run", "0"), log, environment, Repository.Root);
        var silo = new SiloHost(host, Network.Address(host), process, log);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>The sweep CLI on the client host against this cluster, with the given TLS settings (none: no certificate).</summary>
    public Task<Shell.Result> ClientAsync(IReadOnlyDictionary<string, string> tls, params string[] arguments) =>
        Network.RunAsync("client", CommandTimeout, tls, [Repository.Deploy("client-host.sh"), .. arguments, "--cluster", ConnectionString]);

    /// <summary><c>deploy/silo-host.sh wait-healthy</c> on the silo's own host: returns once GET /health says ok.</summary>
    public async Task WaitHealthyAsync(string host)
    {
        var result = await Network.RunAsync(host, TimeSpan.FromSeconds(150), null, Repository.Deploy("silo-host.sh"), "wait-healthy", "0", "120");
        if (result.ExitCode != 0)
        {
            var silo = _silos.Last(s => s.Host == host);
            throw new InvalidOperationException($"silo on {host} did not become healthy: {result.Stderr.Trim()}\n{Tail(silo.Log, 30)}");
        }
    }

    /// <summary>Every trial's status and steps from <c>sweep trials --format json</c> on the client host; null while the CLI fails.</summary>
    public async Task<IReadOnlyDictionary<string, TrialState>?> CliTrialsAsync()
    {
        var result = await Network.RunAsync("client", CommandTimeout, null, Repository.Deploy("client-host.sh"), "trials", HostsGrid.SweepId,
            "--cluster", ConnectionString, "--format", "json");
        return result.ExitCode == 0 ? TrialState.Parse(result.Stdout) : null;
    }

    /// <summary>
    /// Every trial's status (lower case, as the CLI prints it) and steps, read from the store with SQL on the
    /// database host: the polls while a fault plays out are this cheap, so they do not steal the trainers' cores.
    /// Null while the database does not answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TrialState>?> TrialsAsync()
    {
        var rows = await fixture.TrySqlAsync(Database, $"SELECT trial_id, lower(status), steps FROM trials WHERE sweep_id = '{HostsGrid.SweepId}'");
        return rows?.Select(r => r.Split('|'))
            .ToDictionary(r => r[0], r => new TrialState(r[0], r[1], int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture), ""));
    }

    /// <summary>
    /// The trials running on a silo and the step each last reported (live; the store shows the checkpoint step):
    /// its GET /trials, asked from the client host with bash's /dev/tcp (cheap, and bounded by a 5 s timeout);
    /// null if it does not answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>?> TrialsOnAsync(SiloHost silo)
    {
        var result = await Network.RunAsync("client", TimeSpan.FromSeconds(20), null, "timeout", "5", "bash", "-c",
            "exec 3<>\"/dev/tcp/$0/8090\" && printf 'GET /trials HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3", silo.Address);
        if (result.ExitCode != 0 || !result.Stdout.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            return null;
        }
        var body = result.Stdout[(result.Stdout.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(f => f[0], f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Polls until trials run on <paramref name="silo"/> and at least one has a stored checkpoint; returns the
    /// trials running there with their live steps.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> WaitForTrainingOnAsync(SiloHost silo, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await TrialsAsync() is { } trials && await TrialsOnAsync(silo) is { Count: > 0 } here
                && here.Keys.Any(t => trials.TryGetValue(t, out var stored) && stored.Steps >= HostsGrid.CheckpointEvery))
            {
                return here;
            }
            await Task.Delay(PollPeriod);
        }
        throw new TimeoutException($"no trial trained past its first checkpoint on {silo.Host} within {timeout.TotalSeconds:0} s; {Tail(SubmitLog, 10)}");
    }

    /// <summary>
    /// Polls until trials run and at least one has a stored checkpoint (and at least <paramref name="minimumPending"/>
    /// wait in the queue); returns every trial running then with its live step (from the silos' /trials).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> WaitForTrainingAsync(TimeSpan timeout, int minimumPending = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await TrialsAsync() is { } trials
                && trials.Values.Any(t => t.Status == "running" && t.Steps >= HostsGrid.CheckpointEvery)
                && trials.Values.Count(t => t.Status == "pending") >= minimumPending)
            {
                var live = new Dictionary<string, int>();
                foreach (var silo in _silos.Where(s => !s.Process.HasExited))
                {
                    foreach (var (trial, step) in await TrialsOnAsync(silo) ?? new Dictionary<string, int>())
                    {
                        live[trial] = step;
                    }
                }
                return trials.Values.Where(t => t.Status == "running").ToDictionary(t => t.TrialId, t => live.GetValueOrDefault(t.TrialId, t.Steps));
            }
            await Task.Delay(PollPeriod);
        }
        throw new TimeoutException($"no trial trained past its first checkpoint within {timeout.TotalSeconds:0} s; {Tail(SubmitLog, 10)}");
    }

    /// <summary>
    /// The first "took over trial X at step N" line (category Sweep.Cluster) each trial got in any silo's log after
    /// <paramref name="sinceUtc"/>: seconds from then, and the step it resumed from.
    /// </summary>
    public IReadOnlyDictionary<string, (double Seconds, int Step)> TakeoversSince(DateTime sinceUtc)
    {
        var takeovers = new Dictionary<string, (double Seconds, int Step)>();
        foreach (var log in _silos.Select(s => s.Log).Distinct().Where(File.Exists))
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                var match = TakeoverLine().Match(line);
                if (!match.Success)
                {
                    continue;
                }
                var at = DateTime.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
                var seconds = (at - sinceUtc).TotalSeconds;
                var trial = match.Groups[2].Value;
                if (seconds >= 0 && (!takeovers.TryGetValue(trial, out var known) || seconds < known.Seconds))
                {
                    takeovers[trial] = (seconds, int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        return takeovers;
    }

    /// <summary>Polls the silos' logs until every trial in <paramref name="affected"/> was taken over after <paramref name="sinceUtc"/>.</summary>
    public async Task<bool> WaitForTakeoversAsync(IEnumerable<string> affected, DateTime sinceUtc, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!affected.All(TakeoversSince(sinceUtc).ContainsKey))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(PollPeriod);
        }
        return true;
    }

    /// <summary>
    /// Fills the report from the takeover lines: with <paramref name="resumeTime"/>, the seconds until the last
    /// affected trial was taken over (null unless all were); always the steps redone, each taken-over trial's live
    /// step at the strike less the step it resumed from.
    /// </summary>
    public void ReportTakeovers(FaultReport report, IReadOnlyDictionary<string, int> affected, DateTime struckUtc, bool resumeTime = true)
    {
        var takeovers = TakeoversSince(struckUtc);
        var resumed = affected.Keys.Where(takeovers.ContainsKey).ToList();
        if (resumeTime)
        {
            report.SecondsToResume = resumed.Count == affected.Count && resumed.Count > 0 ? resumed.Max(t => takeovers[t].Seconds) : null;
            if (resumed.Count < affected.Count)
            {
                report.Notes += $" {affected.Count - resumed.Count} affected trial(s) never logged a takeover;";
            }
        }
        report.StepsRedone = resumed.Sum(t => Math.Max(0, affected[t] - takeovers[t].Step));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\S+Z) .*took over trial (\S+) at step (\d+)")]
    private static partial System.Text.RegularExpressions.Regex TakeoverLine();

    /// <summary>Seconds from <paramref name="struckUtc"/> until every affected trial stored a checkpoint beyond its live step at the strike, or finished.</summary>
    public async Task<double?> SecondsUntilProgressAsync(IReadOnlyDictionary<string, int> before, DateTime struckUtc, TimeSpan timeout)
    {
        var waiting = before.Keys.ToHashSet();
        while (waiting.Count > 0 && DateTime.UtcNow - struckUtc < timeout)
        {
            if (await TrialsAsync() is { } trials)
            {
                waiting.RemoveWhere(id => trials[id].Steps > before[id] || trials[id].Status is "completed" or "failed" or "diverged");
            }
            if (waiting.Count > 0)
            {
                await Task.Delay(PollPeriod);
            }
        }
        return waiting.Count == 0 ? (DateTime.UtcNow - struckUtc).TotalSeconds : null;
    }

    /// <summary>Waits for the client's <c>submit --wait</c> to end by itself; its exit code.</summary>
    public async Task<int> WaitForSubmitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _submit!.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"submit --wait did not end within {timeout.TotalSeconds:0} s; {await DescribeAsync()}");
        }
        _clock.Stop();
        return _submit.ExitCode;
    }

    public double SweepSeconds => _clock.Elapsed.TotalSeconds;

    /// <summary>
    /// The checks every fault test ends with: submit exited 0, every trial completed with exactly one stored result,
    /// and every result's metrics and test predictions equal the embedded run's, bit for bit. Fills the report's
    /// lost / duplicated / wrongly-failed counts first, so they are printed even when an assertion fails.
    /// </summary>
    public async Task VerifyAsync(FaultReport report, int submitExit)
    {
        var trials = await CliTrialsAsync() ?? throw new InvalidOperationException("sweep trials failed after the sweep");
        var results = await fixture.SqlAsync(Database, "SELECT trial_id, count(*) FROM trial_results GROUP BY trial_id");
        var counts = results.Select(r => r.Split('|')).ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));
        report.ResultsLost = fixture.ReferenceTrials.Keys.Count(t => !counts.ContainsKey(t));
        report.ResultsDuplicated = counts.Values.Sum(c => c - 1);
        report.WronglyFailed = trials.Values.Count(t => t.Status == "failed");
        report.SweepSeconds = SweepSeconds;
        Print(report);

        Assert.True(submitExit == 0, $"submit --wait exited {submitExit}: {Tail(SubmitLog, 15)}");
        Assert.Equal(fixture.ReferenceTrials.Keys.Order(), trials.Keys.Order());
        Assert.All(trials.Values, t => Assert.True(t.Status == "completed", $"{t.TrialId} is {t.Status}"));
        Assert.Equal(0, report.ResultsLost);
        Assert.Equal(0, report.ResultsDuplicated);
        foreach (var (id, reference) in fixture.ReferenceTrials)
        {
            Assert.Equal(reference.Metrics, trials[id].Metrics);
            var predictions = await Network.RunAsync("client", CommandTimeout, null, Repository.Deploy("client-host.sh"), "predictions", id,
                "--cluster", ConnectionString, "--format", "json");
            Assert.True(predictions.Stdout == fixture.ReferencePredictions[id], $"{id}: test predictions differ from the embedded run's");
        }
    }

    /// <summary>The stored results' row versions (PostgreSQL xmin): a result rewritten later shows a new one.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ResultVersionsAsync() =>
        (await fixture.SqlAsync(Database, "SELECT trial_id, xmin::text, created_at FROM trial_results"))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1]);

    /// <summary>Whether a member at this address was declared dead (status 6) in the cluster's membership table.</summary>
    public async Task<bool> DeclaredDeadAsync(SiloHost silo) =>
        (await fixture.SqlAsync(Database, $"SELECT count(*) FROM orleansmembershiptable WHERE address = '{silo.Address}' AND status = 6"))[0] != "0";

    public void Print(FaultReport report)
    {
        Output.WriteLine($"fault report: {report}");
        File.AppendAllText(fixture.ReportFile, report + Environment.NewLine);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _silos.Select(s => s.Process).Append(_submit).OfType<Process>())
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        foreach (var silo in _silos)
        {
            var lines = File.Exists(silo.Log)
                ? File.ReadLines(silo.Log).Where(l => l.Contains("Sweep.Cluster", StringComparison.Ordinal) || l.Contains("Trial ", StringComparison.Ordinal)).TakeLast(25)
                : [];
            Output.WriteLine($"--- {silo.Host} (pid {silo.Process.Id}, log {silo.Log})");
            foreach (var line in lines)
            {
                Output.WriteLine(line);
            }
        }
        foreach (var process in _silos.Select(s => s.Process).Append(_submit).OfType<Process>())
        {
            process.Dispose();
        }
    }

    private async Task<string> DescribeAsync()
    {
        var trials = await TrialsAsync();
        var states = trials is null ? "(trials unavailable)" : string.Join(", ", trials.Values.Select(t => $"{t.TrialId.Split('.')[^1]} {t.Status} {t.Steps}"));
        return $"trials: {states}; client log: {Tail(SubmitLog, 10)}";
    }

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : $"({file} missing)";
}
