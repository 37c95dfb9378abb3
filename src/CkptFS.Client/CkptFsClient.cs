using System.Runtime.CompilerServices;
using CkptFS.Common;
using CkptFS.Protocol;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Tls;
using Grpc.Core;
using Grpc.Net.Client;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.Client;

/// <summary>
/// The CkptFS client SDK: one object per process (it holds a pooled HTTP/2 connection to the
/// NameNode and is safe to share between threads). Paths are absolute CkptFS paths; failures are
/// <see cref="CkptFsException"/>s with the NameNode's error code and message.
/// </summary>
public sealed partial class CkptFsClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ClientProtocol.ClientProtocolClient _namenode;
    private readonly CheckpointProtocol.CheckpointProtocolClient _checkpoints;
    private readonly TokenProtocol.TokenProtocolClient _tokens;
    private readonly Metadata _headers;
    private readonly NameNodeWaitPolicy _waitPolicy;
    private readonly ILogger _logger;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2? _clientCertificate;
    private long _callId;

    public CkptFsClient(CkptFsClientOptions? options = null)
    {
        Options = options ?? new CkptFsClientOptions();
        _clientCertificate = TlsClientTrust.LoadClientCertificate(Options.TlsCertificateFile, Options.TlsKeyFile);
        _channel = RpcChannel.ForAddress(Options.NameNodeAddress, Options.TlsCaFile, _clientCertificate);
        // DataNodes' transfer ports are checked against the same CA as the NameNode unless told otherwise.
        Options.BlockWriter.TlsCaFile ??= Options.TlsCaFile;
        Options.BlockReader.TlsCaFile ??= Options.TlsCaFile;
        var invoker = RpcChannel.Invoker(_channel);
        _namenode = new ClientProtocol.ClientProtocolClient(invoker);
        _checkpoints = new CheckpointProtocol.CheckpointProtocolClient(invoker);
        _tokens = new TokenProtocol.TokenProtocolClient(invoker);
        _headers = new Metadata { { "ckptfs-user", Options.User } };
        if (Options.Token is { Length: > 0 } token)
        {
            _headers.Add("authorization", "Bearer " + token);
        }
        RecoveryLogger = Options.LoggerFactory.CreateLogger<Streams.PipelineRecovery>();
        _logger = Options.LoggerFactory.CreateLogger<CkptFsClient>();
        _waitPolicy = NameNodeWaitPolicy.For(Options);
    }

    public CkptFsClientOptions Options { get; }

    /// <summary>Where write streams log pipeline recoveries.</summary>
    internal ILogger RecoveryLogger { get; }

    /// <summary>This client's unique name (lease holder and request-id client id).</summary>
    public string ClientName => Options.ClientName;

    public async Task<FileStatus> MkdirsAsync(string path, bool createParents = false, uint permission = 0, CancellationToken cancellationToken = default)
    {
        var request = new MkdirsRequest { RequestId = NextRequestId(), Path = path, CreateParent = createParents, Permission = permission };
        return (await CallAsync(options => _namenode.MkdirsAsync(request, options), cancellationToken)).Status;
    }

    /// <summary>Creates an empty, closed file (touch); with <paramref name="overwrite"/> replaces an existing file.</summary>
    public async Task<FileStatus> CreateEmptyFileAsync(string path, bool overwrite = false, bool createParents = false, CancellationToken cancellationToken = default)
    {
        var create = new CreateRequest { Path = path, Holder = ClientName, Overwrite = overwrite, CreateParent = createParents };
        await CreateFileAsync(create, cancellationToken);
        return await CompleteFileAsync(path, last: null, cancellationToken);
    }

    public async Task<FileStatus> GetFileInfoAsync(string path, CancellationToken cancellationToken = default) =>
        (await CallAsync(options => _namenode.GetFileInfoAsync(new GetFileInfoRequest { Path = path }, options), cancellationToken)).Status;

    /// <summary>The status, or null when nothing exists at <paramref name="path"/>.</summary>
    public async Task<FileStatus?> TryGetFileInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetFileInfoAsync(path, cancellationToken);
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.FileNotFound)
        {
            return null;
        }
    }

    /// <summary>A directory's entries in name order, fetched page by page; a file lists itself.</summary>
    public async IAsyncEnumerable<FileStatus> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var startAfter = string.Empty;
        while (true)
        {
            var page = await CallAsync(options => _namenode.GetListingAsync(new GetListingRequest { Path = path, StartAfter = startAfter }, options), cancellationToken);
            foreach (var entry in page.Entries)
            {
                yield return entry;
            }
            if (page.Remaining == 0 || page.Entries.Count == 0)
            {
                yield break;
            }
            startAfter = page.Entries[^1].Path[(page.Entries[^1].Path.LastIndexOf('/') + 1)..];
        }
    }

    public async Task<FileStatus> RenameAsync(string source, string destination, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var request = new RenameRequest { RequestId = NextRequestId(), Source = source, Destination = destination, Overwrite = overwrite };
        return (await CallAsync(options => _namenode.RenameAsync(request, options), cancellationToken)).Status;
    }

    public Task<DeleteResponse> DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default) =>
        CallAsync(options => _namenode.DeleteAsync(new DeleteRequest { RequestId = NextRequestId(), Path = path, Recursive = recursive }, options), cancellationToken);

    public Task<GetContentSummaryResponse> GetContentSummaryAsync(string path, CancellationToken cancellationToken = default) =>
        CallAsync(options => _namenode.GetContentSummaryAsync(new GetContentSummaryRequest { Path = path }, options), cancellationToken);

    public void Dispose()
    {
        _leases?.Dispose();
        _channel.Dispose();
        _clientCertificate?.Dispose();
    }

    private RequestId NextRequestId() => new() { ClientId = ClientName, CallId = (ulong)Interlocked.Increment(ref _callId) };
}
