using CkptFS.Protocol.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.DataNode.Security;

/// <summary>
/// Adds this DataNode's cluster proof (<see cref="ClusterProof"/>) to every call it makes to the
/// NameNode: a fresh timestamp per call, so a long-lived node never sends a proof older than the
/// NameNode's skew window (the Connect stream is checked once, when it opens).
/// </summary>
public sealed class ClusterProofInterceptor(ClusterSecret secret, string datanodeUuid, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithProof(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithProof(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithProof(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithProof(context));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithProof(context));

    private ClientInterceptorContext<TRequest, TResponse> WithProof<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var headers = new Metadata();
        if (context.Options.Headers is { } existing)
        {
            foreach (var entry in existing)
            {
                headers.Add(entry);
            }
        }
        headers.Add(ClusterProof.UuidHeader, datanodeUuid);
        headers.Add(ClusterProof.ProofHeader, ClusterProof.Create(secret, datanodeUuid, time.GetUtcNow()));
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
