using CkptFS.Common;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// SetTimes, SetPermission, SetOwner, SetQuota. Idempotent (the same values set twice are the state set
/// once), so they bypass the retry cache, as HDFS marks them @Idempotent.
/// </summary>
public sealed partial class ClientProtocolService
{
    public override async Task<SetTimesResponse> SetTimes(SetTimesRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        long? modified = request.HasModificationTimeMs ? request.ModificationTimeMs : null;
        long? accessed = request.HasAccessTimeMs ? request.AccessTimeMs : null;
        var entry = await fs.SetTimesAsync(path, modified, accessed, context.CancellationToken);
        return new SetTimesResponse { Status = entry.ToProto() };
    }

    public override async Task<SetPermissionResponse> SetPermission(SetPermissionRequest request, ServerCallContext context)
    {
        var entry = await fs.SetPermissionAsync(FsPath.Parse(request.Path), request.Permission, context.CancellationToken);
        return new SetPermissionResponse { Status = entry.ToProto() };
    }

    public override async Task<SetOwnerResponse> SetOwner(SetOwnerRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var entry = await fs.SetOwnerAsync(path, request.HasOwner ? request.Owner : null, request.HasGroup ? request.Group : null, context.CancellationToken);
        return new SetOwnerResponse { Status = entry.ToProto() };
    }

    public override async Task<SetQuotaResponse> SetQuota(SetQuotaRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        long? files = request.HasNamespaceQuota ? ToLong(request.NamespaceQuota, "namespace_quota") : null;
        long? space = request.HasSpaceQuota ? ToLong(request.SpaceQuota, "space_quota") : null;
        var entry = await fs.SetQuotaAsync(path, files, space, context.CancellationToken);
        return new SetQuotaResponse { Status = entry.ToProto() };
    }
}
