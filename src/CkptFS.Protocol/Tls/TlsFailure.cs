using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using CkptFS.Protocol.Rpc;
using Grpc.Core;

namespace CkptFS.Protocol.Tls;

/// <summary>
/// Recognises a call that failed because client and server disagree about TLS, and says in one line
/// what to do. The three cases: a cleartext client at a TLS port (the server closes the connection
/// before HTTP/2 starts), a TLS client whose CA bundle does not vouch for the server's certificate
/// or whose address is not in it, and a TLS client at a cleartext port (no TLS record comes back).
/// None of them cures itself: a caller must not wait them out as it waits out a NameNode restart.
/// </summary>
public static class TlsFailure
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The one-line explanation, or null when <paramref name="exception"/> is not a TLS mismatch.</summary>
    /// <param name="server">Who was called, for the message ("NameNode").</param>
    /// <param name="address">The address dialled, as configured.</param>
    /// <param name="caFile">The CA bundle configured, if any.</param>
    /// <param name="caSetting">Where the user sets the CA bundle, e.g. "CKPTFS_TLS_CA or --tls-ca".</param>
    /// <param name="clientCertificate">The client certificate the channel presents (mutual TLS), if any.</param>
    public static string? Describe(RpcException exception, string server, string address, string? caFile, string caSetting,
        X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var request = Find<HttpRequestException>(exception.Status.DebugException);
        if (request is null)
        {
            return null;
        }
        if (!RpcChannel.UsesTls(address, caFile))
        {
            // Kestrel's TLS port reads the HTTP/2 preface as a bad ClientHello and closes the socket:
            // the client's HTTP/2 set-up fails (InvalidResponse or ResponseEnded, or Unknown with the
            // set-up's own message, depending on when the close is seen).
            // The same failure when the server was killed mid-call: only a probe that meets TLS says it is TLS.
            return IsHttp2SetupFailure(request) && TlsProbe.ServesTls(address, ProbeTimeout)
                ? $"The {server} at {address} closed the connection before HTTP/2 started: it probably serves TLS. Give the cluster's CA bundle ({caSetting}) or an https:// address."
                : null;
        }
        if (request.HttpRequestError != HttpRequestError.SecureConnectionError)
        {
            // TLS 1.3: a server that refuses the client certificate closes the connection just after the
            // handshake, and the client sees whatever HTTP/2 was doing then (set-up failed, response ended, a
            // disposed stream): only the probe can tell that from a NameNode restarting.
            return clientCertificate is not null && TlsProbe.RefusesClientCertificate(address, clientCertificate, ProbeTimeout)
                ? $"The {server} at {address} refused the client certificate {clientCertificate.Subject} ({TlsClientTrust.CertificateEnvironmentVariable}): " +
                  "it is not signed by the CA the server trusts for clients (Tls:ClientCaFile). Present one of that CA, or none and a bearer token."
                : null;
        }
        var reason = (Find<AuthenticationException>(request)?.Message ?? Innermost(request).Message).TrimEnd('.');
        var trust = string.IsNullOrWhiteSpace(caFile) ? "the system's trust store" : $"the CA bundle {caFile}";
        if (reason.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal))
        {
            return $"The {server} at {address} presented a certificate that does not name that host ({reason}). Dial a name the certificate lists, or reissue it with this name (scripts/make-certs.sh DIR HOST).";
        }
        if (reason.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        {
            return $"The {server} at {address} presented a certificate that {trust} does not trust ({reason}). Give the CA bundle that signed the cluster's certificates ({caSetting}).";
        }
        return $"The TLS handshake with the {server} at {address} failed ({reason}): it probably serves cleartext. Turn TLS on there (Tls:CertificateFile, Tls:KeyFile) or drop the CA bundle and https:// here.";
    }

    private static bool IsHttp2SetupFailure(HttpRequestException request) => request.HttpRequestError switch
    {
        HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => true,
        HttpRequestError.Unknown => request.Message.Contains("HTTP/2 connection could not be established", StringComparison.Ordinal),
        _ => false,
    };

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }
        return exception;
    }
}
