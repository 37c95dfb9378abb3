using CkptFS.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.NameNode.Audit;

/// <summary>
/// Writes one <see cref="AuditLog"/> line per namespace call of the services it wraps (ClientProtocol,
/// CheckpointProtocol), hooked once in the RPC layer rather than in each handler. It runs inside the
/// server's error translation, so a failed call's <see cref="CkptFsException"/> still carries its code;
/// anything else counts as Internal. The write path's plumbing (AddBlock, Complete, lease renewal,
/// pipeline calls), which is most of the traffic and names no new namespace action, is logged
/// only when refused (a quota refusal at AddBlock is) or when it moves a file (a Complete with
/// rename_to, how put publishes NAME._COPYING_ as NAME), as HDFS logs create but not addBlock.
/// </summary>
public sealed class AuditInterceptor(AuditLog log, TimeProvider time) : Interceptor
{
    /// <summary>The ClientProtocol calls whose successes are not audited.</summary>
    private static readonly HashSet<string> Plumbing = new(StringComparer.Ordinal)
    {
        "AddBlock", "AbandonBlock", "Complete", "UpdateLength", "RenewLease", "UpdateBlockForPipeline", "UpdatePipeline",
        "GetAdditionalDatanode", "ReportBadBlocks",
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Audit(request, context, ErrorCode.None);
            return response;
        }
        catch (CkptFsException exception)
        {
            Audit(request, context, exception.Code);
            throw;
        }
        catch (OperationCanceledException)
        {
            Audit(request, context, ErrorCode.Cancelled);
            throw;
        }
        catch (Exception)
        {
            Audit(request, context, ErrorCode.Internal);
            throw;
        }
    }

    private void Audit(object request, ServerCallContext context, ErrorCode error)
    {
        var command = CommandOf(context.Method);
        var (source, destination) = AuditPaths.Of(request);
        if (error == ErrorCode.None && destination is null && Plumbing.Contains(command))
        {
            return;
        }
        var user = Security.CallerIdentity.UserOf(context);
        log.Record(new AuditEvent(time.GetUtcNow(), user, ClientOf(context.Peer), command, source, destination, error));
    }

    /// <summary>"/ckptfs.v1.ClientProtocol/Mkdirs" → "Mkdirs".</summary>
    private static string CommandOf(string method) => method[(method.LastIndexOf('/') + 1)..];

    /// <summary>grpc-dotnet's peer "ipv4:127.0.0.1:50412" (or "ipv6:[::1]:50412") → "127.0.0.1:50412".</summary>
    private static string ClientOf(string peer)
    {
        var colon = peer.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && peer.StartsWith("ip", StringComparison.Ordinal) ? peer[(colon + 1)..] : peer;
    }
}
