using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Connections.Security;
using Orleans.Messaging;

namespace Sweep.Grains.Hosting;

/// <summary>
/// Mutual TLS on every Orleans connection: silo to silo and client to gateway. Both ends present a certificate and
/// accept the other's only if it chains to the cluster's CA (<see cref="ClusterCredentials.Verify"/>), so a process
/// without a certificate, or with one from another CA, cannot join, submit or cancel.
/// </summary>
public static class ClusterSecurity
{
    /// <summary>A client connects within about a second and a half; one still trying after this asks why.</summary>
    private static readonly TimeSpan SlowStart = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the probe waits for a refusal after its handshake (TLS 1.3 servers judge the client's certificate then).</summary>
    private static readonly TimeSpan RefusalWindow = TimeSpan.FromSeconds(1);

    /// <summary>Orleans' membership status of a silo that is up (SiloStatus.Active).</summary>
    private const int ActiveStatus = 3;

    public static ISiloBuilder UseSweepTls(this ISiloBuilder builder, ClusterCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return builder.UseTls(credentials.Certificate, options => Configure(options, credentials));
    }

    public static IClientBuilder UseSweepTls(this IClientBuilder builder, ClusterCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return builder.UseTls(credentials.Certificate, options => Configure(options, credentials));
    }

    private static void Configure(TlsOptions options, ClusterCredentials credentials)
    {
        // Required both ways: a silo refuses connections without a client certificate, a client or silo refuses a
        // gateway or peer without one.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.CheckCertificateRevocation = false;
        // Replaces the machine's trust store: the platform's verdict (policy errors) is ignored, the cluster CA decides.
        options.RemoteCertificateValidation = (certificate, chain, _) =>
            credentials.Verify(certificate, ClusterCredentials.UsagesOf(chain), ClusterCredentials.PresentedBy(chain)) is null;
    }

    /// <summary>
    /// Waits for a client's <paramref name="start"/>; when it has neither connected nor failed within a few seconds,
    /// or has failed, asks the gateways whether TLS is why (<see cref="ExplainConnectFailureAsync"/>). Null when the
    /// start succeeded in time, or the gateways show no TLS problem: then the caller awaits the start as usual.
    /// </summary>
    public static async Task<string?> ExplainSlowStartAsync(Task start, IServiceProvider clientServices, ClusterCredentials? credentials, CancellationToken cancellationToken)
    {
        await Task.WhenAny(start, Task.Delay(SlowStart, cancellationToken));
        if (start.IsCompletedSuccessfully || cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return await ExplainConnectFailureAsync(clientServices, credentials, cancellationToken);
    }

    /// <summary>
    /// Before a silo with TLS joins: whether the cluster's active silos refuse its certificate, as a one-line
    /// message, or null. Orleans would let such a silo start; its peers would declare it dead and it would stop with
    /// a fatal error a minute later. Probes the silo ports of up to three active members at once.
    /// </summary>
    public static async Task<string?> ExplainSiloRefusalAsync(string connectionString, string clusterId, ClusterCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var members = new List<IPEndPoint>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // The Orleans membership table (migration 0003), read as the AdoNet clustering provider writes it.
            await using var query = new NpgsqlCommand(
                "SELECT address, port FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = @active ORDER BY iamalivetime DESC LIMIT 3",
                connection);
            query.Parameters.AddWithValue("cluster", clusterId);
            query.Parameters.AddWithValue("active", ActiveStatus);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (IPAddress.TryParse(reader.GetString(0), out var address))
                {
                    members.Add(new IPEndPoint(address, reader.GetInt32(1)));
                }
            }
        }
        var probes = await Task.WhenAll(members.Select(m => ProbeAsync(m, credentials, "silo", cancellationToken)));
        return probes.FirstOrDefault(p => p is not null);
    }

    /// <summary>
    /// Whether TLS is why a client cannot connect, as a one-line message naming the setting to fix, or null when
    /// the gateways do not show a TLS problem. Probes the gateways in the membership table with the client's own
    /// credentials (or none).
    /// </summary>
    public static async Task<string?> ExplainConnectFailureAsync(IServiceProvider clientServices, ClusterCredentials? credentials, CancellationToken cancellationToken)
    {
        var gateways = clientServices.GetService<IGatewayListProvider>();
        if (gateways is null)
        {
            return null;
        }
        IList<Uri> uris;
        try
        {
            await gateways.InitializeGatewayListProvider();
            uris = await gateways.GetGateways();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The membership table is unreachable: that failure speaks for itself.
            return null;
        }
        foreach (var uri in uris)
        {
            if (!IPAddress.TryParse(uri.Host, out var address))
            {
                continue;
            }
            if (await ProbeAsync(new IPEndPoint(address, uri.Port), credentials, "client", cancellationToken) is { } explanation)
            {
                return explanation;
            }
        }
        return null;
    }

    /// <param name="endpoint">A gateway or silo port of a member.</param>
    /// <param name="credentials">What this process would connect with; null: no TLS.</param>
    /// <param name="role">"client" or "silo", for the message.</param>
    private static async Task<string?> ProbeAsync(IPEndPoint endpoint, ClusterCredentials? credentials, string role, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var tcp = new TcpClient(endpoint.AddressFamily);
        try
        {
            await tcp.ConnectAsync(endpoint, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
        X509Certificate2? serverCertificate = null;
        string? serverProblem = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, _) =>
        {
            if (certificate is null)
            {
                return false;
            }
            // A copy: the stream disposes the certificate it received.
            serverCertificate = ClusterCredentials.Copy(certificate);
            if (credentials is null)
            {
                // Only asking whether the gateway speaks TLS.
                return true;
            }
            serverProblem = credentials.Verify(serverCertificate, ClusterCredentials.UsagesOf(chain), ClusterCredentials.PresentedBy(chain));
            return serverProblem is null;
        });
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = endpoint.Address.ToString(),
            ClientCertificates = credentials is null ? null : new X509CertificateCollection { credentials.Certificate },
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        bool refused;
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            refused = await IsRefusedAfterHandshakeAsync(tls, cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            refused = true;
        }
        return Explain(endpoint, credentials, role, serverCertificate, serverProblem, refused);
    }

    private static async Task<bool> IsRefusedAfterHandshakeAsync(SslStream tls, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(RefusalWindow);
        try
        {
            var buffer = new byte[1];
            return await tls.ReadAsync(buffer, window.Token) == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Still open and waiting for our first message: accepted.
            return false;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return true;
        }
    }

    private static string? Explain(IPEndPoint endpoint, ClusterCredentials? credentials, string role, X509Certificate2? serverCertificate, string? serverProblem, bool refused)
    {
        if (credentials is null)
        {
            return serverCertificate is null
                ? null
                : $"the cluster requires TLS client certificates and this {role} has none; pass --tls-cert, --tls-key and --tls-ca " +
                  $"(or set ${ClusterTlsFiles.CertificateVariable}, ${ClusterTlsFiles.KeyVariable}, ${ClusterTlsFiles.CaVariable})";
        }
        var files = credentials.Files;
        if (serverCertificate is null)
        {
            return refused
                ? $"the cluster's port {endpoint} does not answer TLS, but this {role} was given {files.CertificateName}; start the silos with TLS too, or connect without it"
                : null;
        }
        if (serverProblem is not null)
        {
            return $"the cluster's TLS certificate {ClusterCredentials.Describe(serverCertificate)} is not signed by a CA in {files.CaName} {files.CaFile} ({serverProblem}); check {files.CaName}";
        }
        return refused
            ? $"the cluster refused this {role}'s TLS certificate {ClusterCredentials.Describe(credentials.Certificate)} (check {files.CertificateName}/{files.CaName}: it must be signed by the cluster's CA)"
            : null;
    }
}
