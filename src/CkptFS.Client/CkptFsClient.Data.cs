using System.Net;
using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;

namespace CkptFS.Client;

public sealed partial class CkptFsClient
{
    /// <summary>
    /// Creates <paramref name="path"/> and returns a stream to write it (single writer: the file is
    /// leased to this client until the stream is closed). An overwrite of a file whose writer is gone
    /// waits while the NameNode recovers it (<see cref="CkptFsClientOptions.LeaseRecoveryTimeout"/>). Dispose or <see cref="CkptFsOutputStream.CloseAsync"/>
    /// returns only once the file is durable.
    /// </summary>
    public async Task<CkptFsOutputStream> CreateAsync(string path, CreateFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CreateFileOptions();
        var request = new CreateRequest
        {
            Path = path,
            Holder = ClientName,
            Overwrite = options.Overwrite,
            CreateParent = options.CreateParents,
            Replication = (uint)Math.Max(0, options.Replication),
            BlockSize = (ulong)Math.Max(0, options.BlockSizeBytes),
            AllocateFirstBlock = options.AllocateFirstBlock,
            ClientHost = options.AllocateFirstBlock ? Options.ClientHost : string.Empty,
        };
        var created = await CreateFileAsync(request, cancellationToken);
        Leases.UseSoftLimit(TimeSpan.FromMilliseconds(created.LeaseSoftLimitMs));
        Leases.Hold(path);
        return new CkptFsOutputStream(this, created.Status.Path, created.Status, created.FirstBlock, options);
    }

    /// <summary>Opens <paramref name="path"/> for reading (no lease needed; a file being written reads up to its last flush).</summary>
    public async Task<CkptFsInputStream> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var locations = await GetBlockLocationsAsync(path, cancellationToken);
        if (locations.Status.Type == FileType.Directory)
        {
            throw new CkptFsException(ErrorCode.IsADirectory, $"Cannot read {path}: it is a directory.");
        }
        return new CkptFsInputStream(this, path, locations);
    }

    public Task<GetBlockLocationsResponse> GetBlockLocationsAsync(string path, CancellationToken cancellationToken = default) =>
        CallAsync(options => _namenode.GetBlockLocationsAsync(new GetBlockLocationsRequest { Path = path, ClientHost = Options.ClientHost, ClientName = ClientName }, options), cancellationToken);

    public Task<GetDatanodeReportResponse> GetDatanodeReportAsync(CancellationToken cancellationToken = default) =>
        CallAsync(options => _namenode.GetDatanodeReportAsync(new GetDatanodeReportRequest(), options), cancellationToken);

    public Task<FsckResponse> FsckAsync(string path, bool listAllBlocks = false, CancellationToken cancellationToken = default) =>
        CallAsync(options => _namenode.FsckAsync(new FsckRequest { Path = path, ListAllBlocks = listAllBlocks }, options), cancellationToken);

    internal async Task<LocatedBlock> AddBlockAsync(string path, ExtendedBlock? previous, IEnumerable<string> excludedNodes, CancellationToken cancellationToken)
    {
        var request = new AddBlockRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, Previous = previous, ClientHost = Options.ClientHost };
        request.ExcludedNodes.AddRange(excludedNodes);
        // Too few DataNodes is worth waiting for while they (re)register, as after a NameNode restart;
        // not once this writer has excluded nodes itself: what it excluded is not coming back (HDFS
        // fails such an addBlock at once).
        var waitForDataNodes = request.ExcludedNodes.Count == 0;
        return (await CallAsync(options => _namenode.AddBlockAsync(request, options), cancellationToken,
            e => e.IsTransient && (waitForDataNodes || e.Code != ErrorCode.NotEnoughDataNodes))).Block;
    }

    internal Task AbandonBlockAsync(string path, ExtendedBlock block, CancellationToken cancellationToken) =>
        CallAsync(options => _namenode.AbandonBlockAsync(new AbandonBlockRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, Block = block }, options), cancellationToken);

    internal Task UpdateLengthAsync(string path, ExtendedBlock last, CancellationToken cancellationToken) =>
        CallAsync(options => _namenode.UpdateLengthAsync(new UpdateLengthRequest { Path = path, Holder = ClientName, Last = last }, options), cancellationToken);

    internal Task ReportBadReplicaAsync(ExtendedBlock block, string datanodeUuid, string reason, CancellationToken cancellationToken)
    {
        var request = new ClientReportBadBlocksRequest { Reason = reason };
        request.Replicas.Add(new ClientReportBadBlocksRequest.Types.BadReplica { Block = block, DatanodeUuid = datanodeUuid });
        return CallAsync(options => _namenode.ReportBadBlocksAsync(request, options), cancellationToken);
    }

    /// <summary>
    /// Completes the file, retrying while the NameNode says its last block does not yet have its
    /// minimum replicas reported (the DataNodes' reports trail the pipeline's final ack slightly).
    /// </summary>
    internal async Task<FileStatus> CompleteFileAsync(string path, ExtendedBlock? last, CancellationToken cancellationToken, string? renameTo = null, bool renameOverwrite = false)
    {
        // The DataNodes report a finalized replica at once: the first retry usually succeeds.
        var delay = TimeSpan.FromMilliseconds(10);
        var deadline = DateTime.UtcNow + Options.CompleteTimeout;
        while (true)
        {
            var request = new CompleteRequest
            {
                RequestId = NextRequestId(), Path = path, Holder = ClientName, Last = last, RenameTo = renameTo ?? string.Empty, RenameOverwrite = renameOverwrite,
            };
            var response = await CallAsync(options => _namenode.CompleteAsync(request, options), cancellationToken);
            if (response.Completed)
            {
                return response.Status;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CkptFsException(ErrorCode.NotEnoughReplicas,
                    $"Cannot close {path}: its last block has not reached its minimum replicas after {Options.CompleteTimeout.TotalSeconds:0} s; the DataNodes may be down (see 'ckptfs report').");
            }
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 400));
        }
    }

    /// <summary>The leases this client holds, renewed in the background.</summary>
    internal LeaseRenewer Leases => _leases ??= new LeaseRenewer(this);

    internal Task<RenewLeaseResponse> RenewLeaseAsync(CancellationToken cancellationToken) =>
        CallAsync(options => _namenode.RenewLeaseAsync(new RenewLeaseRequest { Holder = ClientName }, options), cancellationToken);

    private LeaseRenewer? _leases;

    internal static string DefaultClientHost()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
