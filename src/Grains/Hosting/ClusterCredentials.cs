using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sweep.Grains.Hosting;

/// <summary>
/// A process's certificate with its key and the cluster's CA certificates, loaded by <see cref="ClusterTlsFiles.Load"/>.
/// A peer is a member when its certificate chains to one of these CAs; the machine's own trust store plays no part.
/// </summary>
public sealed class ClusterCredentials
{
    internal const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    internal const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    internal ClusterCredentials(ClusterTlsFiles files, X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Files = files;
        Certificate = certificate;
        Authorities = authorities;
    }

    public ClusterTlsFiles Files { get; }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates a peer's certificate must chain to (more than one while CAs are rotated).</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>
    /// Why <paramref name="peer"/> is not a member's certificate, or null when it is: its chain must end at one of
    /// <see cref="Authorities"/> and allow <paramref name="requiredUsages"/> (the extended key usages TLS asked for).
    /// Names are not checked: peers reach each other by the addresses in the membership table, and any member may be
    /// any silo or client.
    /// </summary>
    /// <param name="peer">The certificate the peer presented.</param>
    /// <param name="requiredUsages">Extended key usage OIDs the chain must allow; null for none.</param>
    /// <param name="presented">Intermediate certificates the peer sent along, if any.</param>
    public string? Verify(X509Certificate2 peer, OidCollection? requiredUsages, X509Certificate2Collection? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented);
        }
        foreach (var usage in requiredUsages ?? [])
        {
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
        }
        if (chain.Build(peer))
        {
            return null;
        }
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim().TrimEnd('.')).Where(s => s.Length > 0).Distinct();
        return string.Join("; ", reasons) is { Length: > 0 } text ? text : "its chain does not end at a CA in that file";
    }

    /// <summary>The usages the platform's own chain asked for, so that a server checks clientAuth and a client serverAuth.</summary>
    internal static OidCollection? UsagesOf(X509Chain? platformChain)
    {
        if (platformChain is null)
        {
            return null;
        }
        var usages = new OidCollection();
        foreach (var usage in platformChain.ChainPolicy.ApplicationPolicy)
        {
            usages.Add(usage);
        }
        return usages;
    }

    /// <summary>Certificates the peer sent besides its own (intermediates), from the platform's chain.</summary>
    internal static X509Certificate2Collection? PresentedBy(X509Chain? platformChain)
    {
        if (platformChain is null)
        {
            return null;
        }
        var presented = new X509Certificate2Collection();
        presented.AddRange(platformChain.ChainPolicy.ExtraStore);
        return presented;
    }

    /// <summary>A one-line description: subject and issuer.</summary>
    internal static string Describe(X509Certificate2 certificate) => $"'{certificate.Subject}', issued by '{certificate.Issuer}'";

    internal static X509Certificate2 Copy(X509Certificate certificate) => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
