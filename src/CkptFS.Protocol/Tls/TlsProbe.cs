using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace CkptFS.Protocol.Tls;

/// <summary>
/// Tells a TLS port from a cleartext HTTP/2 one when a cleartext call failed while HTTP/2 was being
/// set up: that failure also happens when a NameNode is killed mid-call, and then it must be waited
/// out, not reported as a TLS mismatch. The probe opens its own connection and sends the HTTP/2
/// preface: a cleartext gRPC server answers with a SETTINGS frame; a TLS server answers with an
/// alert record (0x15) or closes without a word. A refused or silent connection is "not known to be
/// TLS" (a server restarting). Bounded by <paramref name="timeout"/>; used only on the failure path.
/// </summary>
public static class TlsProbe
{
    private static readonly byte[] Preface = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];

    public static bool ServesTls(string address, TimeSpan timeout) => Probe(address, timeout, static (stream, _, cancel) =>
    {
        try
        {
            stream.WriteAsync(Preface, cancel).AsTask().GetAwaiter().GetResult();
            var answer = new byte[9];
            var read = stream.ReadAsync(answer, cancel).AsTask().GetAwaiter().GetResult();
            // Closed at once, or a TLS record (alert 0x15, handshake 0x16); an HTTP/2 frame header otherwise.
            return read == 0 || answer[0] is 0x15 or 0x16;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    });

    /// <summary>
    /// Whether the TLS server at <paramref name="address"/> refuses <paramref name="certificate"/> as a
    /// client certificate: a call that presented it failed while HTTP/2 was being set up, which a
    /// server killed mid-call also causes. With TLS 1.3 the server checks the client's certificate
    /// after the client's side of the handshake is done, so a refusal arrives as an alert on the first
    /// read; an accepting HTTP/2 server sends its SETTINGS or waits for ours (the read times out).
    /// Only the client certificate is in question here: the server's own is checked by every real call.
    /// </summary>
    public static bool RefusesClientCertificate(string address, X509Certificate2 certificate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Probe(address, timeout, (stream, host, cancel) =>
        {
            try
            {
                using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
                tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ClientCertificates = [certificate],
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cancel).GetAwaiter().GetResult();
                return tls.ReadAsync(new byte[9], cancel).AsTask().GetAwaiter().GetResult() == 0;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        });
    }

    /// <summary>
    /// Connects to <paramref name="address"/> within <paramref name="timeout"/> and runs
    /// <paramref name="exchange"/> on the connection (stream, host, the same deadline); false when
    /// nobody answers there (a server restarting is not known to be anything).
    /// </summary>
    private static bool Probe(string address, TimeSpan timeout, Func<NetworkStream, string, CancellationToken, bool> exchange)
    {
        if (Endpoint(address) is not { } uri)
        {
            return false;
        }
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            client.ConnectAsync(uri.IdnHost, uri.Port, cancel.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
        return exchange(client.GetStream(), uri.IdnHost, cancel.Token);
    }

    /// <summary>The host and port of a configured address (host:port, or http(s)://host:port).</summary>
    private static Uri? Endpoint(string address)
    {
        var text = address;
        foreach (var scheme in new[] { "http://", "https://" })
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                text = text[scheme.Length..].TrimEnd('/');
            }
        }
        return Uri.TryCreate("http://" + text, UriKind.Absolute, out var uri) ? uri : null;
    }
}
