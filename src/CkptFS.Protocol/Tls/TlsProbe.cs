using System.Net.Sockets;

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

    public static bool ServesTls(string address, TimeSpan timeout)
    {
        var text = address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? address["http://".Length..].TrimEnd('/') : address;
        if (!Uri.TryCreate("http://" + text, UriKind.Absolute, out var uri))
        {
            return false;
        }
        try
        {
            using var client = new TcpClient();
            using var cancel = new CancellationTokenSource(timeout);
            client.ConnectAsync(uri.IdnHost, uri.Port, cancel.Token).AsTask().GetAwaiter().GetResult();
            var stream = client.GetStream();
            stream.WriteAsync(Preface, cancel.Token).AsTask().GetAwaiter().GetResult();
            var answer = new byte[9];
            var read = stream.ReadAsync(answer, cancel.Token).AsTask().GetAwaiter().GetResult();
            // Closed at once, or a TLS record (alert 0x15, handshake 0x16); an HTTP/2 frame header otherwise.
            return read == 0 || answer[0] is 0x15 or 0x16;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
