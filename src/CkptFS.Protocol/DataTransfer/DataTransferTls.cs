using System.Net.Security;
using CkptFS.Protocol.Tls;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// The server side of TLS on a DataNode's transfer port: each accepted connection's handshake is
/// served the certificate of the moment (<see cref="CertificateReloader"/>, as the HTTPS port), so a
/// certificate replaced on disk is used from the next connection on. No client certificate is asked
/// for: who may read or write a block is the block token's to say, and peers prove nothing more.
/// </summary>
public static class DataTransferTls
{
    /// <summary>The ALPN name both sides offer, so that a TLS client of another protocol is told apart at once.</summary>
    public static readonly SslApplicationProtocol ApplicationProtocol = new("ckptfs-dt/1");

    /// <summary>Completes the server's handshake on <paramref name="network"/> within <paramref name="cancellationToken"/>; the returned stream owns it.</summary>
    public static async Task<SslStream> AcceptAsync(Stream network, CertificateReloader certificates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificates.Current(),
                ApplicationProtocols = [ApplicationProtocol],
                ClientCertificateRequired = false,
            }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
