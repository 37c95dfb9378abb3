using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CkptFS.Protocol.Tls;

/// <summary>
/// Mutual TLS on a server port: a client MAY present a certificate; one that does must chain to the
/// configured client CA bundle (only there: the machine's trust store plays no part), or the
/// handshake fails. A client without one is let through (it may still authenticate with a bearer
/// token). The user a certificate stands for is its subject's common name (CN=alice), as a
/// Kubernetes API server reads a client certificate.
/// </summary>
public static class ClientCertificates
{
    /// <summary>The handshake check for <paramref name="clientCa"/>: no certificate, or one that chains to it.</summary>
    public static RemoteCertificateValidationCallback Validator(X509Certificate2Collection clientCa)
    {
        ArgumentNullException.ThrowIfNull(clientCa);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null)
            {
                return (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(clientCa);
            // Client authentication (1.3.6.1.5.5.7.3.2) when the certificate names its uses at all.
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
            // The certificate given is the connection's (Kestrel hands it to the calls): not ours to dispose.
            if (certificate is X509Certificate2 leaf)
            {
                return chain.Build(leaf);
            }
            using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(copy);
        };
    }

    /// <summary>The user <paramref name="certificate"/> stands for: its subject's CN; null when it has none.</summary>
    public static string? UserOf(X509Certificate2? certificate) =>
        certificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } name ? name : null;
}
