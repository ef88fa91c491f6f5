using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sweep.Grains.Hosting;

namespace Sweep.Grains.Tests.Security;

/// <summary>
/// A throwaway CA made in-process (ECDSA P-256: fast, no openssl) that issues member certificates and writes them as
/// PEM files into a directory, as a user's CA would hand them out.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _directory;

    public TestCertificateAuthority(string directory, string name)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(1));
        CaFile = Path.Combine(directory, $"{name}.crt");
        File.WriteAllText(CaFile, _certificate.ExportCertificatePem());
    }

    /// <summary>The CA certificate as PEM.</summary>
    public string CaFile { get; }

    /// <summary>
    /// A member certificate for <paramref name="name"/> (SAN: that DNS name and 127.0.0.1) with the usages given,
    /// trusting <paramref name="caFile"/> (default: this CA).
    /// </summary>
    public ClusterTlsFiles Issue(string name, bool serverAuth = true, bool clientAuth = true, string? caFile = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var usages = new OidCollection();
        if (serverAuth)
        {
            usages.Add(ServerAuth);
        }
        if (clientAuth)
        {
            usages.Add(ClientAuth);
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var until = notAfter ?? DateTimeOffset.UtcNow.AddHours(12);
        using var certificate = request.Create(_certificate, until.AddDays(-1), until, serial);
        var certificateFile = Path.Combine(_directory, $"{name}.crt");
        var keyFile = Path.Combine(_directory, $"{name}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return new ClusterTlsFiles(certificateFile, keyFile, caFile ?? CaFile);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
