using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using CkptFS.Common;
using CkptFS.Protocol.Tls;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// How this process dials a DataNode's transfer port (clients, and DataNodes dialling their peers):
/// TCP with Nagle off, then TLS when the location says the port serves it
/// (<see cref="DatanodeId.TransferTls"/>), checked against the CA bundle this dialer was made with
/// and the host dialled, as the gRPC channel checks the NameNode. A location that serves TLS and no
/// CA bundle, or a certificate the bundle does not trust, is <see cref="ErrorCode.TlsMismatch"/> with
/// a line that says what to set; everything else that fails is the caller's to map.
/// One dialer per CA bundle path, shared: the bundle is loaded once.
/// </summary>
public sealed class DataTransferDialer
{
    /// <summary>What the CA bundle is set by, for messages.</summary>
    public const string CaSettingHint = $"{TlsClientTrust.CaFileEnvironmentVariable}, --tls-ca or TlsCaFile";

    private static readonly ConcurrentDictionary<string, DataTransferDialer> s_byCaFile = new(StringComparer.Ordinal);
    private readonly string? _caFile;
    private readonly Lazy<SslClientAuthenticationOptions> _trust;

    private DataTransferDialer(string? caFile)
    {
        _caFile = caFile;
        _trust = new Lazy<SslClientAuthenticationOptions>(() => TlsClientTrust.ClientOptions(caFile), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The CA bundle this dialer checks TLS ports against; null: cleartext ports only.</summary>
    public string? CaFile => _caFile;

    /// <summary>A dialer with no CA bundle: cleartext ports only.</summary>
    public static DataTransferDialer Cleartext { get; } = new(null);

    /// <summary>The shared dialer that trusts <paramref name="caFile"/> (cleartext only when null or empty).</summary>
    public static DataTransferDialer For(string? caFile) =>
        string.IsNullOrEmpty(caFile) ? Cleartext : s_byCaFile.GetOrAdd(caFile, static path => new DataTransferDialer(path));

    /// <summary>
    /// Connects to <paramref name="node"/>'s transfer port and, when it serves TLS, completes the
    /// handshake; both within <paramref name="cancellationToken"/>. The socket is the caller's to
    /// dispose with the returned connection.
    /// </summary>
    /// <exception cref="CkptFsException">TlsMismatch: no CA bundle, or the server's certificate is not trusted for the host.</exception>
    public async Task<DataTransferSocket> ConnectAsync(DatanodeId node, CancellationToken cancellationToken)
    {
        if (node.TransferTls && _caFile is null)
        {
            throw new CkptFsException(ErrorCode.TlsMismatch,
                $"DataNode {Address(node)} serves TLS on its transfer port: give the cluster's CA bundle ({CaSettingHint}).");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(node.Host, (int)node.TransferPort, cancellationToken).ConfigureAwait(false);
            var network = new NetworkStream(socket, ownsSocket: true);
            if (!node.TransferTls)
            {
                return new DataTransferSocket(socket, network);
            }
            var tls = new SslStream(network, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(ClientOptions(node.Host), cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationException exception)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw new CkptFsException(ErrorCode.TlsMismatch,
                    $"TLS with DataNode {Address(node)} failed: {exception.Message.TrimEnd('.')}; the CA bundle {_caFile} does not trust its certificate for {node.Host}.", exception);
            }
            return new DataTransferSocket(socket, tls);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        CertificateChainPolicy = _trust.Value.CertificateChainPolicy,
        ApplicationProtocols = [DataTransferTls.ApplicationProtocol],
    };

    private static string Address(DatanodeId node) => $"{node.Host}:{node.TransferPort}";
}
