using CkptFS.Common;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

public sealed partial class ClientProtocolService
{
    public override Task<RenewLeaseResponse> RenewLease(RenewLeaseRequest request, ServerCallContext context)
    {
        RequireHolder(request.Holder, "renew leases");
        leases.Renew(request.Holder);
        return Task.FromResult(new RenewLeaseResponse { SoftLimitMs = SoftLimitMs });
    }

    /// <summary>Not through the retry cache: asking again is how a caller learns that recovery finished (HDFS: idempotent).</summary>
    public override async Task<RecoverLeaseResponse> RecoverLease(RecoverLeaseRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        RequireHolder(request.Holder, $"recover the lease of {path}");
        var closed = await fs.RecoverLeaseAsync(path, request.Holder, request.Force, context.CancellationToken);
        return new RecoverLeaseResponse { Closed = closed, Status = fs.GetFileInfo(path).ToProto() };
    }

    private ulong SoftLimitMs => (ulong)leases.Options.SoftLimit.TotalMilliseconds;

    private static void RequireHolder(string holder, string what)
    {
        if (string.IsNullOrWhiteSpace(holder))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot {what}: no holder (client name) given.");
        }
    }
}
