using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// ckptfs.v1.ClientProtocol handlers. Each one only translates: parse and validate the request,
/// call the core, map the result. Errors are CkptFsExceptions that the gRPC layer maps to status
/// codes through its one table. Mutations go through the retry cache. One file per concern: the
/// namespace calls (here), the block calls, leases, pipeline recovery, the cluster reports.
/// </summary>
public sealed partial class ClientProtocolService(
    FsNamespace fs, RetryCache retryCache, BlockManager blocks, DatanodeManager datanodes, BlockTokenSecretManager tokens, LeaseManager leases)
    : ClientProtocol.ClientProtocolBase
{
    /// <summary>Metadata key a client uses to say which user it acts for (recorded as owner).</summary>
    public const string UserHeader = CallerIdentity.UserHeader;


    public override Task<MkdirsResponse> Mkdirs(MkdirsRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var entry = await fs.MkdirsAsync(path, request.CreateParent, ToMode(request.Permission), UserOf(context), context.CancellationToken);
            return new MkdirsResponse { Status = entry.ToProto() };
        });
    }

    public override Task<CreateResponse> Create(CreateRequest request, ServerCallContext context)
    {
        var create = new CreateFileRequest(FsPath.Parse(request.Path), request.Holder, request.Overwrite, request.CreateParent,
            ToInt(request.Replication, "replication"), ToLong(request.BlockSize, "block_size"), ToMode(request.Permission), UserOf(context))
        {
            CallId = HolderCallId(request.RequestId, request.Holder),
            AllocateFirstBlock = request.AllocateFirstBlock,
            ClientHost = request.ClientHost,
        };
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var created = await fs.CreateFileAsync(create, context.CancellationToken);
            return new CreateResponse
            {
                Status = created.Entry.ToProto(),
                LeaseSoftLimitMs = SoftLimitMs,
                FirstBlock = created.FirstBlock is { } first ? ToLocatedBlock(first, request.Holder) : null,
            };
        });
    }

    public override Task<CompleteResponse> Complete(CompleteRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var last = request.Last.ToFileBlock();
        FsPath? renameTo = request.RenameTo.Length > 0 ? FsPath.Parse(request.RenameTo) : null;
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var result = await fs.CompleteAsync(path, request.Holder, last, context.CancellationToken, renameTo, request.RenameOverwrite);
            if (!result.Completed)
            {
                // "Not yet" must not be the cached answer to the client's retry of this call.
                retryCache.Forget(request.RequestId);
            }
            return new CompleteResponse { Status = result.Entry.ToProto(), Completed = result.Completed };
        });
    }

    public override Task<GetFileInfoResponse> GetFileInfo(GetFileInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetFileInfoResponse { Status = fs.GetFileInfo(FsPath.Parse(request.Path)).ToProto() });

    public override Task<GetListingResponse> GetListing(GetListingRequest request, ServerCallContext context)
    {
        var listing = fs.GetListing(FsPath.Parse(request.Path), request.StartAfter, ToInt(request.Limit, "limit"));
        var response = new GetListingResponse { Remaining = (uint)listing.Remaining };
        foreach (var entry in listing.Entries)
        {
            response.Entries.Add(entry.ToProto());
        }
        return Task.FromResult(response);
    }

    public override Task<RenameResponse> Rename(RenameRequest request, ServerCallContext context)
    {
        var source = FsPath.Parse(request.Source);
        var destination = FsPath.Parse(request.Destination);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
            new RenameResponse { Status = (await fs.RenameAsync(source, destination, request.Overwrite, context.CancellationToken)).ToProto() });
    }

    public override Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var result = await fs.DeleteAsync(path, request.Recursive, context.CancellationToken);
            return new DeleteResponse { FilesDeleted = (ulong)result.FilesDeleted, DirectoriesDeleted = (ulong)result.DirectoriesDeleted };
        });
    }

    public override Task<GetContentSummaryResponse> GetContentSummary(GetContentSummaryRequest request, ServerCallContext context) =>
        Task.FromResult(fs.GetContentSummary(FsPath.Parse(request.Path)).ToProto());

    private static string? UserOf(ServerCallContext context) => CallerIdentity.UserOf(context);

    private static ushort ToMode(uint permission) =>
        permission <= 0b111_111_111_111
            ? (ushort)permission
            : throw new CkptFsException(ErrorCode.InvalidArgument, $"Permission {Convert.ToString(permission, 8)} is not a valid mode (at most 7777 octal).");

    private static int ToInt(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw new CkptFsException(ErrorCode.InvalidArgument, $"{field} {value} is out of range.");

    private static long ToLong(ulong value, string field) =>
        value <= long.MaxValue ? (long)value : throw new CkptFsException(ErrorCode.InvalidArgument, $"{field} {value} is out of range.");

    /// <summary>
    /// The call id of a request made by the holder itself (its request id's client id is the holder,
    /// as the SDK sends them), else 0. Persisted by Create and AddBlock so that their retry after a
    /// NameNode restart, when the in-memory retry cache is gone, is recognised.
    /// </summary>
    private static ulong HolderCallId(RequestId? requestId, string holder) =>
        requestId is not null && string.Equals(requestId.ClientId, holder, StringComparison.Ordinal) ? requestId.CallId : 0;
}
