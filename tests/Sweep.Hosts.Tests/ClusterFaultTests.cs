using System.Diagnostics;

namespace Sweep.Hosts.Tests;

/// <summary>
/// A three-silo cluster on simulated hosts (network namespaces: a database host, silo hosts, a client host), each
/// started through deploy/, under one fault each, struck mid-sweep where trials are training. After each: the
/// client's <c>submit --wait</c> exits 0, every trial has exactly one result, none failed, and every result equals
/// the embedded run's bit for bit. Each test prints a "fault report" row (also appended to fault-report.txt
/// beside the test binary): | fault | trials affected | seconds to resume | steps redone | lost | duplicated |
/// wrongly failed | sweep seconds | notes |.
/// </summary>
public sealed class ClusterFaultTests(HostsFixture fixture) : IClassFixture<HostsFixture>
{
    private static readonly TimeSpan StrikeWithin = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan SweepWithin = TimeSpan.FromSeconds(240);
    private static readonly string[] ThreeSilos = ["silo1", "silo2", "silo3"];

    [Fact]
    public async Task KilledSilo_ItsTrialsResumeElsewhere_AndEveryResultMatchesTheEmbeddedRun()
    {
        await using var cluster = new FaultCluster(fixture, "kill");
        await cluster.StartAsync(ThreeSilos);
        var target = cluster.Silos[1];
        var affected = await cluster.WaitForTrainingOnAsync(target, StrikeWithin);

        var struck = DateTime.UtcNow;
        target.Process.Kill();
        var report = new FaultReport("kill -9 of a silo") { TrialsAffected = affected.Count };

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        cluster.ReportTakeovers(report, affected, struck);
        await cluster.VerifyAsync(report, exit);
        Assert.NotNull(report.SecondsToResume);
    }

    [Fact]
    public async Task PartitionedSiloHost_LongerThanFailureDetection_ThenHealed_ItsLateResultsReplaceNothing()
    {
        await using var cluster = new FaultCluster(fixture, "partition");
        await cluster.StartAsync(ThreeSilos);
        var target = cluster.Silos[1];
        var affected = await cluster.WaitForTrainingOnAsync(target, StrikeWithin);

        var struck = DateTime.UtcNow;
        await fixture.Network.SetLinkAsync(target.Host, up: false);
        var report = new FaultReport("partition of one silo host, healed after it was declared dead") { TrialsAffected = affected.Count };
        var deadline = DateTime.UtcNow + ResumeWithin;
        while (!await cluster.DeclaredDeadAsync(target))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{target.Host} was not declared dead within {ResumeWithin.TotalSeconds:0} s of its partition");
            await Task.Delay(300, TestContext.Current.CancellationToken);
        }
        var declaredAfter = (DateTime.UtcNow - struck).TotalSeconds;
        // Heal only once the winners train elsewhere: whatever the healed silo still writes then comes late.
        var takenOver = await cluster.WaitForTakeoversAsync(affected.Keys, struck, ResumeWithin);
        await fixture.Network.SetLinkAsync(target.Host, up: true);

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        cluster.ReportTakeovers(report, affected, struck);
        var versions = await cluster.ResultVersionsAsync();
        // Healed, the partitioned silo learns it was declared dead and stops: whatever it still had to write is out by then.
        var stopped = await WaitForExitAsync(target.Process, TimeSpan.FromSeconds(60));
        report.Notes += $" declared dead after {declaredAfter:0.0} s; healed silo {(stopped ? "stopped itself" : "still running 60 s after healing")}";
        var rewritten = (await cluster.ResultVersionsAsync()).Count(v => !versions.TryGetValue(v.Key, out var before) || before != v.Value);
        report.ResultsDuplicated += rewritten;
        await cluster.VerifyAsync(report, exit);
        Assert.Equal(0, rewritten);
        Assert.True(takenOver, "the partitioned silo's trials were not taken over elsewhere while it was cut off");
        Assert.True(stopped, $"{target.Host} kept running after it was declared dead and healed");
    }

    [Fact]
    public async Task DatabaseRestartedImmediately_MidSweep_TrainingRidesItOut()
    {
        await using var cluster = new FaultCluster(fixture, "pgrestart");
        await cluster.StartAsync(ThreeSilos);
        var affected = await cluster.WaitForTrainingAsync(StrikeWithin);

        var struck = DateTime.UtcNow;
        (await fixture.DatabaseHostAsync("restart", fixture.DataDirectory, "immediate")).Check("deploy/db-host.sh restart immediate");
        var report = new FaultReport("PostgreSQL restarted (pg_ctl restart -m immediate)") { TrialsAffected = affected.Count };
        report.Notes = $"the restart took {(DateTime.UtcNow - struck).TotalSeconds:0.0} s;";
        report.SecondsToResume = await cluster.SecondsUntilProgressAsync(affected, struck, ResumeWithin);

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        cluster.ReportTakeovers(report, affected, struck, resumeTime: false);
        await cluster.VerifyAsync(report, exit);
        Assert.NotNull(report.SecondsToResume);
    }

    [Fact]
    public async Task DatabaseConnectionsTerminatedEveryHalfSecond_MidSweep_TrainingRidesItOut()
    {
        await using var cluster = new FaultCluster(fixture, "pgterminate");
        await cluster.StartAsync(ThreeSilos);
        var affected = await cluster.WaitForTrainingAsync(StrikeWithin);

        var struck = DateTime.UtcNow;
        var terminated = 0;
        for (var round = 0; round < 20; round++)
        {
            var rows = await fixture.SqlAsync("postgres",
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{cluster.Database}' AND pid <> pg_backend_pid()");
            terminated += int.Parse(rows[0], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        var report = new FaultReport("PostgreSQL connections terminated every 0.5 s for ~10 s")
        {
            TrialsAffected = affected.Count,
            Notes = $"{terminated} connections terminated",
        };
        report.SecondsToResume = await cluster.SecondsUntilProgressAsync(affected, struck, ResumeWithin);

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        cluster.ReportTakeovers(report, affected, struck, resumeTime: false);
        await cluster.VerifyAsync(report, exit);
        Assert.True(terminated > 0, "no connection of the cluster's database was terminated");
        Assert.NotNull(report.SecondsToResume);
    }

    [Fact]
    public async Task EverySiloStopped_ThenThreeStarted_TheSweepResumesAndFinishes()
    {
        await using var cluster = new FaultCluster(fixture, "stopall");
        await cluster.StartAsync(ThreeSilos);
        var affected = await cluster.WaitForTrainingAsync(StrikeWithin);

        var struck = DateTime.UtcNow;
        var old = cluster.Silos.ToList();
        foreach (var silo in old)
        {
            (await Shell.RunAsync("kill", ["-TERM", silo.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10))).Check("kill -TERM");
        }
        foreach (var silo in old)
        {
            Assert.True(await WaitForExitAsync(silo.Process, TimeSpan.FromSeconds(60)), $"{silo.Host} did not stop within 60 s of SIGTERM");
            Assert.Equal(0, silo.Process.ExitCode);
        }
        var stoppedAfter = (DateTime.UtcNow - struck).TotalSeconds;
        var report = new FaultReport("every silo stopped (SIGTERM), three started") { TrialsAffected = affected.Count };
        foreach (var host in ThreeSilos)
        {
            cluster.StartSilo(host);
        }
        await Task.WhenAll(ThreeSilos.Select(cluster.WaitHealthyAsync));
        report.Notes = $"all stopped after {stoppedAfter:0.0} s, three healthy again after {(DateTime.UtcNow - struck).TotalSeconds:0.0} s;";

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        cluster.ReportTakeovers(report, affected, struck);
        await cluster.VerifyAsync(report, exit);
        Assert.NotNull(report.SecondsToResume);
    }

    [Fact]
    public async Task HostJoiningMidSweep_PullsWork_AndTheSweepFinishes()
    {
        await using var cluster = new FaultCluster(fixture, "join");
        // One silo to begin with, so that the queue outlasts the joiner's start (5–8 s here) by several trials:
        // with three, the queue could drain before the fourth was healthy, and the test would measure that race.
        await cluster.StartAsync("silo1");
        await cluster.WaitForTrainingAsync(StrikeWithin, minimumPending: 4);

        var struck = DateTime.UtcNow;
        var joining = cluster.StartSilo("silo4");
        await cluster.WaitHealthyAsync("silo4");
        var healthyAfter = (DateTime.UtcNow - struck).TotalSeconds;
        double? trainedAfter = null;
        while (trainedAfter is null && DateTime.UtcNow - struck < ResumeWithin)
        {
            if (await cluster.TrialsOnAsync(joining) is { Count: > 0 })
            {
                trainedAfter = (DateTime.UtcNow - struck).TotalSeconds;
            }
            else if (await cluster.TrialsAsync() is { } trials && !trials.Values.Any(t => t.Status == "pending"))
            {
                break;
            }
            else
            {
                await Task.Delay(300, TestContext.Current.CancellationToken);
            }
        }
        var report = new FaultReport("a silo host joining mid-sweep")
        {
            SecondsToResume = trainedAfter,
            Notes = $"healthy after {healthyAfter:0.0} s; first trial there after {(trainedAfter is { } t ? $"{t:0.0} s" : "never")}",
        };

        await cluster.VerifyAsync(report, await cluster.WaitForSubmitAsync(SweepWithin));
        Assert.True(trainedAfter is not null, "the joining silo never trained a trial while pending ones remained");
    }

    [Fact]
    public async Task StrangersWithoutTheClustersCertificates_AreRefusedInOneLine_AndTheSweepGoesOn()
    {
        await using var cluster = new FaultCluster(fixture, "strangers");
        await cluster.StartAsync(ThreeSilos);
        await cluster.WaitForTrainingAsync(StrikeWithin);
        var report = new FaultReport("strangers: a client without a certificate, a client and a silo of another CA");

        // Each would end the sweep if it got in: cancel is the one command that changes it.
        var noCertificate = await cluster.ClientAsync(new Dictionary<string, string>(), "cancel", HostsGrid.SweepId);
        var otherCa = await cluster.ClientAsync(HostsFixture.Tls(fixture.StrangerCertificates, "client"), "cancel", HostsGrid.SweepId);
        var strangerSilo = cluster.StartSilo("silo4", HostsFixture.Tls(fixture.StrangerCertificates, "silo4"));
        var siloStopped = await WaitForExitAsync(strangerSilo.Process, TimeSpan.FromSeconds(90));

        var exit = await cluster.WaitForSubmitAsync(SweepWithin);
        await cluster.VerifyAsync(report, exit);
        AssertRefusedInOneLine(noCertificate, "a client without a certificate");
        AssertRefusedInOneLine(otherCa, "a client of another CA");
        Assert.True(siloStopped, "a silo of another CA kept running");
        Assert.NotEqual(0, strangerSilo.Process.ExitCode);
        Assert.Contains("TLS certificate", File.ReadAllText(strangerSilo.Log), StringComparison.Ordinal);
    }

    private static void AssertRefusedInOneLine(Shell.Result result, string who)
    {
        Assert.True(result.ExitCode == 1, $"{who}: exit {result.ExitCode}, stderr: {result.Stderr}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sweep: ", line, StringComparison.Ordinal);
        Assert.Contains("TLS", line, StringComparison.Ordinal);
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
