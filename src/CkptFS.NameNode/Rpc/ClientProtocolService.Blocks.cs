using CkptFS.Common;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

public sealed partial class ClientProtocolService
{
    public override Task<AddBlockResponse> AddBlock(AddBlockRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var previous = request.Previous.ToFileBlock();
        var excluded = request.ExcludedNodes.ToHashSet(StringComparer.Ordinal);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var allocated = await fs.AddBlockAsync(path, request.Holder, previous, excluded, request.ClientHost, context.CancellationToken,
                HolderCallId(request.RequestId, request.Holder));
            return new AddBlockResponse { Block = ToLocatedBlock(allocated, request.Holder) };
        });
    }

    /// <summary>A block allocated for a writer (AddBlock, Create's first block): its pipeline and a write token.</summary>
    private LocatedBlock ToLocatedBlock(AllocatedBlock allocated, string holder)
    {
        var token = tokens.Issue(holder, allocated.Block.Id, AccessMode.Write, AccessMode.Copy);
        return ToLocatedBlock(allocated.Block, allocated.Offset, allocated.Targets, token, corrupt: false);
    }

    public override Task<AbandonBlockResponse> AbandonBlock(AbandonBlockRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var block = RequireBlock(request.Block, $"abandon a block of {path}");
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            await fs.AbandonBlockAsync(path, request.Holder, block, context.CancellationToken);
            return new AbandonBlockResponse();
        });
    }

    public override Task<GetBlockLocationsResponse> GetBlockLocations(GetBlockLocationsRequest request, ServerCallContext context)
    {
        var found = fs.GetBlockLocations(FsPath.Parse(request.Path), ToLong(request.Offset, "offset"), ToLong(request.Length, "length"), request.ClientHost);
        var response = new GetBlockLocationsResponse
        {
            FileLength = (ulong)found.FileLength,
            UnderConstruction = found.UnderConstruction,
            Status = found.Entry.ToProto(),
        };
        foreach (var located in found.Blocks)
        {
            var token = tokens.Issue(request.ClientName, located.Block.Id, AccessMode.Read);
            response.Blocks.Add(ToLocatedBlock(located.Block, located.Offset, located.Locations, token, located.Corrupt));
        }
        return Task.FromResult(response);
    }

    public override async Task<UpdateLengthResponse> UpdateLength(UpdateLengthRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var last = RequireBlock(request.Last, $"update the length of {path}");
        // Not through the retry cache: the request has no id, and applying it twice is harmless (lengths only grow).
        var length = await fs.UpdateLengthAsync(path, request.Holder, last, context.CancellationToken);
        return new UpdateLengthResponse { FileLength = (ulong)length };
    }

    public override Task<ClientReportBadBlocksResponse> ReportBadBlocks(ClientReportBadBlocksRequest request, ServerCallContext context)
    {
        foreach (var replica in request.Replicas)
        {
            var block = replica.Block.ToFileBlock()
                ?? throw new CkptFsException(ErrorCode.InvalidArgument, "A bad replica report names no block.");
            blocks.MarkCorrupt(block.Id, replica.DatanodeUuid, $"client report: {request.Reason}");
        }
        return Task.FromResult(new ClientReportBadBlocksResponse());
    }

    private static FileBlock RequireBlock(ExtendedBlock? block, string what) =>
        block.ToFileBlock() ?? throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot {what}: the request names no block.");

    private static LocatedBlock ToLocatedBlock(FileBlock block, long offset, IEnumerable<DatanodeSnapshot> locations, AccessToken token, bool corrupt)
    {
        var located = new LocatedBlock { Block = block.ToProto(), Offset = (ulong)offset, Token = token, Corrupt = corrupt };
        located.Locations.AddRange(locations.Select(n => n.Address.ToProto()));
        return located;
    }
}
