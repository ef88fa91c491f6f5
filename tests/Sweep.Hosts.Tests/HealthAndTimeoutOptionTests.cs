using System.Net;
using System.Net.Sockets;

namespace Sweep.Hosts.Tests;

/// <summary>The health check and the timeout options through the built CLI, on this machine (no namespaces).</summary>
public sealed class HealthAndTimeoutOptionTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloLeaseTimeoutOutOfRange_IsOneLineErrorNamingTheOptionAndTheRange()
    {
        var result = await Shell.RunAsync(Repository.Deploy("client-host.sh"), ["silo", "--lease-timeout", "0.5"], CommandTimeout);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("sweep: --lease-timeout: 0.5 s is out of range; expected 2–3600 seconds", line);
    }

    [Theory]
    [InlineData("SWEEP_SLOTS", "abc", "sweep-silo: SWEEP_SLOTS=abc is not a positive whole number")]
    [InlineData("SWEEP_LEASE_TIMEOUT", "0.5", "sweep-silo: SWEEP_LEASE_TIMEOUT: 0.5 s is out of range; expected 2–3600 seconds")]
    public async Task SiloServiceWithABadSetting_ExitsOneWithOneLineNamingIt(string variable, string value, string expected)
    {
        var result = await Shell.RunAsync(Repository.Deploy("silo-host.sh"), ["run", "0"], CommandTimeout, new Dictionary<string, string>
        {
            ["SWEEP_POSTGRES"] = "Host=127.0.0.1;Port=1;Database=none",
            [variable] = value,
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task ResponseTimeoutOutOfRange_IsOneLineErrorOnAnyCommand()
    {
        var result = await Shell.RunAsync(Repository.Deploy("client-host.sh"),
            ["cancel", "x", "--cluster", "Host=127.0.0.1;Database=none", "--response-timeout", "0"], CommandTimeout);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sweep: --response-timeout: 0 s is out of range; expected 1–600 seconds", result.Stderr.Trim());
    }

    [Fact]
    public async Task HealthOfAPortWithNothingListening_ExitsOneSayingSo()
    {
        var port = FreePort();
        var result = await Shell.RunAsync(Repository.Deploy("client-host.sh"), ["health", $"127.0.0.1:{port}"], CommandTimeout);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"sweep: 127.0.0.1:{port}: no health check answers there", result.Stderr.Trim());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task HealthTargetThatIsNoEndpoint_IsAUserError()
    {
        var result = await Shell.RunAsync(Repository.Deploy("client-host.sh"), ["health", "ftp://somewhere"], CommandTimeout);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sweep: 'ftp://somewhere' is not a health endpoint; expected HOST:PORT or http://HOST:PORT, e.g. 10.0.0.5:8090", result.Stderr.Trim());
    }

    [Fact]
    public async Task EmbeddedSiloWithHealthPort_AnswersOkOnceUp_AndListsNoTrials()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"sweep-health-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = FreePort();
        using var silo = Shell.StartLogged(
            ["bash", Repository.Deploy("client-host.sh"), "silo", "--store", Path.Combine(directory, "store"), "--health-port", $"{port}", "--verbose"],
            Path.Combine(directory, "silo.log"));
        try
        {
            var health = await Shell.RunAsync(Repository.Deploy("client-host.sh"), ["health", $"127.0.0.1:{port}", "--wait", "90"], TimeSpan.FromSeconds(120));
            Assert.True(health.ExitCode == 0, $"health: {health.Stderr}\n{FaultCluster.Tail(Path.Combine(directory, "silo.log"), 20)}");
            Assert.Equal("ok\n", health.Stdout);

            var trials = await Shell.RunAsync(Repository.Deploy("client-host.sh"), ["health", $"http://127.0.0.1:{port}/", "--trials"], CommandTimeout);
            Assert.Equal(0, trials.ExitCode);
            Assert.Equal("", trials.Stdout);
        }
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
