using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sweep.Grains.Hosting;

/// <summary>
/// The PEM files that admit a process to a cluster over mutual TLS: its own certificate and unencrypted private key,
/// and the CA certificate(s) every member's certificate must be signed by. From the flags (<c>--tls-cert</c>,
/// <c>--tls-key</c>, <c>--tls-ca</c>) or, when none of them is given, the environment (<c>SWEEP_TLS_CERT</c>,
/// <c>SWEEP_TLS_KEY</c>, <c>SWEEP_TLS_CA</c>).
/// </summary>
public sealed record ClusterTlsFiles(string CertificateFile, string KeyFile, string CaFile)
{
    public const string CertificateVariable = "SWEEP_TLS_CERT";

    public const string KeyVariable = "SWEEP_TLS_KEY";

    public const string CaVariable = "SWEEP_TLS_CA";

    /// <summary>How the certificate was given, for messages: <c>--tls-cert</c> or <c>$SWEEP_TLS_CERT</c>.</summary>
    public string CertificateName { get; init; } = "--tls-cert";

    public string KeyName { get; init; } = "--tls-key";

    public string CaName { get; init; } = "--tls-ca";

    /// <summary>The files the flags name; when no flag is given, those the environment names; null when neither does.</summary>
    /// <exception cref="SweepConfigurationException">Some of the three are given, not all.</exception>
    public static ClusterTlsFiles? Resolve(string? certificate, string? key, string? ca) =>
        Resolve(certificate, key, ca, Environment.GetEnvironmentVariable);

    internal static ClusterTlsFiles? Resolve(string? certificate, string? key, string? ca, Func<string, string?> environment)
    {
        if (IsSet(certificate) || IsSet(key) || IsSet(ca))
        {
            return Complete(certificate, key, ca, "--tls-cert", "--tls-key", "--tls-ca");
        }
        return Complete(environment(CertificateVariable), environment(KeyVariable), environment(CaVariable),
            "$" + CertificateVariable, "$" + KeyVariable, "$" + CaVariable);
    }

    private static ClusterTlsFiles? Complete(string? certificate, string? key, string? ca, string certificateName, string keyName, string caName)
    {
        if (!IsSet(certificate) && !IsSet(key) && !IsSet(ca))
        {
            return null;
        }
        if (!IsSet(certificate))
        {
            var given = IsSet(key) ? keyName : caName;
            throw new SweepConfigurationException($"{given} needs {certificateName}: the PEM certificate this process shows the cluster (and {keyName}, {caName} with it)");
        }
        if (!IsSet(key))
        {
            throw new SweepConfigurationException($"{keyName} is required with {certificateName}: the PEM private key of that certificate");
        }
        if (!IsSet(ca))
        {
            throw new SweepConfigurationException($"{caName} is required with {certificateName}: the PEM certificate of the cluster's CA, which every member's certificate must be signed by");
        }
        return new ClusterTlsFiles(certificate!, key!, ca!) { CertificateName = certificateName, KeyName = keyName, CaName = caName };
    }

    /// <summary>
    /// Reads the three files and checks that they fit together: the key is the certificate's, the certificate is
    /// signed by a CA in the CA file, is valid now and allows the uses this process makes of it.
    /// </summary>
    /// <param name="serverAuthentication">A silo: the certificate also authenticates its ports to peers (server authentication).</param>
    /// <exception cref="SweepConfigurationException">A file is missing or unreadable, or the files do not fit together.</exception>
    public ClusterCredentials Load(bool serverAuthentication)
    {
        var authorities = LoadAuthorities();
        var certificate = LoadCertificate();
        var credentials = new ClusterCredentials(this, certificate, authorities);
        if (credentials.Verify(certificate, requiredUsages: null) is { } problem)
        {
            throw new SweepConfigurationException($"{CertificateName} {CertificateFile} ('{certificate.Subject}') fails verification against the CA(s) in {CaName} {CaFile}: {problem}");
        }
        if (!AllowsUsage(certificate, ClusterCredentials.ClientAuthentication))
        {
            throw new SweepConfigurationException($"{CertificateName} {CertificateFile} does not allow client authentication (extended key usage clientAuth); make it as deploy/make-certs.sh does");
        }
        if (serverAuthentication && !AllowsUsage(certificate, ClusterCredentials.ServerAuthentication))
        {
            throw new SweepConfigurationException($"{CertificateName} {CertificateFile} does not allow server authentication (extended key usage serverAuth), which a silo needs; make it as deploy/make-certs.sh does");
        }
        return credentials;
    }

    private X509Certificate2Collection LoadAuthorities()
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(CaFile);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SweepConfigurationException($"{CaName} {CaFile}: no such file");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SweepConfigurationException($"{CaName} {CaFile}: not a readable PEM certificate file ({ex.Message.TrimEnd('.')})");
        }
        if (authorities.Count == 0)
        {
            throw new SweepConfigurationException($"{CaName} {CaFile} holds no certificate; expected one or more '-----BEGIN CERTIFICATE-----' blocks");
        }
        return authorities;
    }

    private X509Certificate2 LoadCertificate()
    {
        foreach (var (file, name) in new[] { (CertificateFile, CertificateName), (KeyFile, KeyName) })
        {
            if (!File.Exists(file))
            {
                throw new SweepConfigurationException($"{name} {file}: no such file");
            }
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new SweepConfigurationException(
                $"{KeyName} {KeyFile} and {CertificateName} {CertificateFile} do not make a certificate with its key ({ex.Message.TrimEnd('.')}); " +
                "expected a PEM certificate and its unencrypted PEM private key");
        }
    }

    private static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault();
        // Without the extension a certificate may be used for anything.
        return usages is null || usages.EnhancedKeyUsages.Cast<Oid>().Any(u => u.Value == oid);
    }

    private static bool IsSet(string? text) => !string.IsNullOrWhiteSpace(text);
}
