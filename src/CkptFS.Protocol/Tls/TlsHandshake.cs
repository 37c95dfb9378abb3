using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace CkptFS.Protocol.Tls;

/// <summary>The server side of a TLS handshake on a Kestrel port, with the certificate of the moment.</summary>
public static class TlsHandshake
{
    /// <summary>A slow or silent client may hold a connection this long before its handshake is cut: 10 s.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kestrel's per-connection TLS options: each handshake asks <paramref name="certificates"/> for the
    /// current certificate, so a certificate replaced on disk is served from the next connection on.
    /// </summary>
    /// <param name="protocols">ALPN protocols offered: h2 for gRPC; h2 and http/1.1 for an HTTP port.</param>
    /// <param name="clientCa">Ask clients for a certificate, checked against this bundle (<see cref="ClientCertificates"/>); null: none asked for.</param>
    public static TlsHandshakeCallbackOptions ServerOptions(CertificateReloader certificates, List<SslApplicationProtocol> protocols,
        X509Certificate2Collection? clientCa = null)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var validator = clientCa is null ? null : ClientCertificates.Validator(clientCa);
        return new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = HandshakeTimeout,
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificates.Current(),
                ApplicationProtocols = protocols,
                ClientCertificateRequired = validator is not null,
                RemoteCertificateValidationCallback = validator,
            }),
        };
    }
}
