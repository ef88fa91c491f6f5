using Sweep.Grains.Hosting;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Security;

/// <summary>TLS settings that do not fit together fail at start with one line naming the setting, not at the first handshake.</summary>
public sealed class ClusterTlsFilesTests : IDisposable
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;
    private readonly TemporaryDirectory _directory = new("sweep-tls-files");
    private readonly TestCertificateAuthority _cluster;
    private readonly TestCertificateAuthority _other;

    public ClusterTlsFilesTests()
    {
        _cluster = new TestCertificateAuthority(Path.Combine(_directory.Path, "cluster"), "cluster-ca");
        _other = new TestCertificateAuthority(Path.Combine(_directory.Path, "other"), "other-ca");
    }

    [Fact]
    public void NoSetting_MeansNoTls() => Assert.Null(ClusterTlsFiles.Resolve(null, null, null, NoEnvironment));

    [Fact]
    public void CertificateWithoutKey_NamesTheMissingFlag()
    {
        var error = Assert.Throws<SweepConfigurationException>(() => ClusterTlsFiles.Resolve("a.crt", null, "ca.crt", NoEnvironment));
        Assert.StartsWith("--tls-key is required with --tls-cert", error.Message);
    }

    [Fact]
    public void CertificateWithoutCa_NamesTheMissingFlag()
    {
        var error = Assert.Throws<SweepConfigurationException>(() => ClusterTlsFiles.Resolve("a.crt", "a.key", null, NoEnvironment));
        Assert.StartsWith("--tls-ca is required with --tls-cert", error.Message);
    }

    [Fact]
    public void CaAlone_AsksForTheCertificate()
    {
        var error = Assert.Throws<SweepConfigurationException>(() => ClusterTlsFiles.Resolve(null, null, "ca.crt", NoEnvironment));
        Assert.StartsWith("--tls-ca needs --tls-cert", error.Message);
    }

    [Fact]
    public void WithoutFlags_TheEnvironmentIsRead_AndNamedInMessages()
    {
        var environment = new Dictionary<string, string?> { [ClusterTlsFiles.CertificateVariable] = "a.crt", [ClusterTlsFiles.CaVariable] = "ca.crt" };
        var error = Assert.Throws<SweepConfigurationException>(() => ClusterTlsFiles.Resolve(null, null, null, n => environment.GetValueOrDefault(n)));
        Assert.StartsWith("$SWEEP_TLS_KEY is required with $SWEEP_TLS_CERT", error.Message);

        environment[ClusterTlsFiles.KeyVariable] = "a.key";
        var files = ClusterTlsFiles.Resolve(null, null, null, n => environment.GetValueOrDefault(n));
        Assert.Equal(("a.crt", "a.key", "ca.crt"), (files?.CertificateFile, files?.KeyFile, files?.CaFile));
        Assert.Equal("$SWEEP_TLS_CA", files?.CaName);
    }

    [Fact]
    public void AFlag_OverridesTheEnvironmentAsAWhole()
    {
        var environment = new Dictionary<string, string?> { [ClusterTlsFiles.KeyVariable] = "env.key", [ClusterTlsFiles.CaVariable] = "env-ca.crt" };
        var error = Assert.Throws<SweepConfigurationException>(() => ClusterTlsFiles.Resolve("a.crt", null, null, n => environment.GetValueOrDefault(n)));
        Assert.StartsWith("--tls-key is required with --tls-cert", error.Message);
    }

    [Fact]
    public void MemberCertificate_Loads()
    {
        var credentials = _cluster.Issue("silo-1").Load(serverAuthentication: true);
        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.Equal("CN=cluster-ca", Assert.Single(credentials.Authorities).Subject);
        Assert.Null(credentials.Verify(credentials.Certificate, requiredUsages: null));
    }

    [Fact]
    public void CertificateFromAnotherCa_FailsAtLoad()
    {
        var files = _other.Issue("intruder") with { CaFile = _cluster.CaFile };
        var error = Assert.Throws<SweepConfigurationException>(() => files.Load(serverAuthentication: false));
        Assert.StartsWith($"--tls-cert {files.CertificateFile} ('CN=intruder') fails verification against the CA(s) in --tls-ca {_cluster.CaFile}: ", error.Message);
    }

    [Fact]
    public void ExpiredCertificate_FailsAtLoad()
    {
        var files = _cluster.Issue("old", notAfter: DateTimeOffset.UtcNow.AddHours(-1));
        var error = Assert.Throws<SweepConfigurationException>(() => files.Load(serverAuthentication: false));
        Assert.Contains("fails verification against the CA(s) in --tls-ca", error.Message);
    }

    [Fact]
    public void KeyOfAnotherCertificate_FailsAtLoad()
    {
        var one = _cluster.Issue("one");
        var two = _cluster.Issue("two");
        var error = Assert.Throws<SweepConfigurationException>(() => (one with { KeyFile = two.KeyFile }).Load(serverAuthentication: false));
        Assert.StartsWith($"--tls-key {two.KeyFile} and --tls-cert {one.CertificateFile} do not make a certificate with its key", error.Message);
    }

    [Fact]
    public void MissingFile_IsNamed()
    {
        var files = _cluster.Issue("one") with { CaFile = Path.Combine(_directory.Path, "absent.crt") };
        var error = Assert.Throws<SweepConfigurationException>(() => files.Load(serverAuthentication: false));
        Assert.Equal($"--tls-ca {files.CaFile}: no such file", error.Message);
    }

    [Fact]
    public void ClientOnlyCertificate_CannotServeASilo()
    {
        var files = _cluster.Issue("client", serverAuth: false);
        Assert.NotNull(files.Load(serverAuthentication: false));
        var error = Assert.Throws<SweepConfigurationException>(() => files.Load(serverAuthentication: true));
        Assert.Contains("does not allow server authentication", error.Message);
    }

    [Fact]
    public void CaBundle_AcceptsMembersOfEitherCa()
    {
        var bundle = Path.Combine(_directory.Path, "bundle.crt");
        File.WriteAllText(bundle, File.ReadAllText(_cluster.CaFile) + "\n" + File.ReadAllText(_other.CaFile));
        var credentials = (_cluster.Issue("silo-1") with { CaFile = bundle }).Load(serverAuthentication: true);
        var fromOther = (_other.Issue("silo-2") with { CaFile = bundle }).Load(serverAuthentication: true);
        Assert.Equal(2, credentials.Authorities.Count);
        Assert.Null(credentials.Verify(fromOther.Certificate, requiredUsages: null));
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _other.Dispose();
        _directory.Dispose();
    }
}
