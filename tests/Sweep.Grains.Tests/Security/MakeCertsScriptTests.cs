using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Sweep.Grains.Hosting;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Security;

/// <summary>deploy/make-certs.sh makes what the silos and clients load: a CA, host and client certificates that verify against it.</summary>
public sealed class MakeCertsScriptTests
{
    [Fact]
    public async Task MadeCertificates_LoadAsSiloAndClientCredentials_AndVerifyEachOther()
    {
        using var directory = new TemporaryDirectory("sweep-make-certs");
        await RunAsync("ca", directory.Path);
        await RunAsync("host", directory.Path, "silo-a", "10.1.2.3", "silo-a.example");
        await RunAsync("client", directory.Path, "alice");
        var ca = Path.Combine(directory.Path, "ca.crt");

        var silo = new ClusterTlsFiles(Path.Combine(directory.Path, "silo-a.crt"), Path.Combine(directory.Path, "silo-a.key"), ca).Load(serverAuthentication: true);
        var clientFiles = new ClusterTlsFiles(Path.Combine(directory.Path, "alice.crt"), Path.Combine(directory.Path, "alice.key"), ca);
        var client = clientFiles.Load(serverAuthentication: false);

        Assert.Null(silo.Verify(client.Certificate, [new("1.3.6.1.5.5.7.3.2")]));
        Assert.Null(client.Verify(silo.Certificate, [new("1.3.6.1.5.5.7.3.1")]));
        // A client-only certificate cannot serve a silo, and is refused where server authentication is asked for.
        Assert.Throws<SweepConfigurationException>(() => clientFiles.Load(serverAuthentication: true));
        Assert.NotNull(silo.Verify(client.Certificate, [new("1.3.6.1.5.5.7.3.1")]));

        var names = silo.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Parse("10.1.2.3"), names.EnumerateIPAddresses());
        Assert.Contains("silo-a.example", names.EnumerateDnsNames());
        Assert.Equal("CN=silo-a", silo.Certificate.Subject);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory.Path, "silo-a.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory.Path, "ca.key")));
        }
    }

    private static async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "deploy", "make-certs.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"make-certs.sh {string.Join(' ', arguments)} exited {process.ExitCode}: {await stdout}{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sweep.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Sweep.sln not found above {AppContext.BaseDirectory}");
    }
}
