using CkptFS.Common;
using CkptFS.Protocol.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Admits a DatanodeProtocol call only with a valid cluster proof (<see cref="ClusterProof"/>),
/// checked before the handler runs: a process without the cluster secret cannot register, report
/// or heartbeat, so it never enters the DataNode registry and is never chosen for a block. Scoped
/// to DatanodeProtocol (clients authenticate otherwise). A refusal is logged at Warning with the
/// caller's address and answered <see cref="ErrorCode.DataNodeNotAuthenticated"/> (UNAUTHENTICATED)
/// with what is missing.
/// </summary>
public sealed partial class DataNodeAuthInterceptor(ClusterSecret secret, TimeSpan skew, TimeProvider time, ILogger<DataNodeAuthInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        var uuid = context.RequestHeaders.GetValue(ClusterProof.UuidHeader);
        var reason = ClusterProof.Check(secret, uuid, context.RequestHeaders.GetValue(ClusterProof.ProofHeader), time.GetUtcNow(), skew);
        if (reason is null)
        {
            return;
        }
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        LogRefused(method, context.Peer, uuid ?? "(none)", reason);
        throw new CkptFsException(ErrorCode.DataNodeNotAuthenticated,
            $"DataNode call {method} refused: {reason}. This NameNode requires the cluster secret: set Security:ClusterSecretFile " +
            "(CKPTFS_DATANODE__SECURITY__CLUSTERSECRETFILE) on the DataNode to a copy of the NameNode's secret file.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused DataNode call {Method} from {Peer} (uuid {DatanodeUuid}): {Reason}")]
    private partial void LogRefused(string method, string peer, string datanodeUuid, string reason);
}
