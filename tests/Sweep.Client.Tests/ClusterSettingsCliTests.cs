namespace Sweep.Client.Tests;

/// <summary>TLS and connection-string settings that do not fit together end the command with one line naming the flag.</summary>
public sealed class ClusterSettingsCliTests
{
    [Fact]
    public async Task TlsCertificateWithoutKey_IsOneLineNamingTheFlag()
    {
        var run = await CliRun.RunAsync("cancel", "some-sweep", "--cluster", "Host=127.0.0.1;Database=sweep", "--tls-cert", "a.crt", "--tls-ca", "ca.crt");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("sweep: --tls-key is required with --tls-cert: the PEM private key of that certificate", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task MissingCertificateFile_IsNamed_BeforeAnyConnection()
    {
        using var directory = new TempDirectory();
        var grid = directory.File("grid.json", TinyGrids.Valid);
        var missing = System.IO.Path.Combine(directory.Path, "absent.crt");
        var run = await CliRun.RunAsync("submit", grid, "--cluster", "Host=127.0.0.1;Port=1;Database=sweep;Timeout=1",
            "--tls-cert", missing, "--tls-key", missing, "--tls-ca", missing);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"sweep: --tls-ca {missing}: no such file", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task ConnectionStringAndItsFile_AreNotBothAccepted()
    {
        using var directory = new TempDirectory();
        var file = directory.File("cluster.conn", "Host=127.0.0.1;Database=sweep");
        var run = await CliRun.RunAsync("silo", "--postgres", "Host=127.0.0.1;Database=sweep", "--postgres-file", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("sweep: --postgres and --postgres-file both name the database; give one of them", Assert.Single(run.ErrorLines));
    }
}
