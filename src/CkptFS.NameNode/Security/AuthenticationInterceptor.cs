using CkptFS.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.NameNode.Security;

/// <summary>
/// With Authentication:Mode=token, every call of the services it wraps must carry
/// "authorization: Bearer ckt1...." naming a live token; the call then acts for the token's user
/// (<see cref="CallerIdentity"/>). Anything else fails UNAUTHENTICATED before the handler runs, with
/// a message saying what is missing. It sits inside the audit interceptor, so refusals are audited.
/// </summary>
public sealed class AuthenticationInterceptor(TokenManager tokens) : Interceptor
{
    public const string AuthorizationHeader = "authorization";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        CallerIdentity.SetRequired(context);
        var header = context.RequestHeaders.GetValue(AuthorizationHeader);
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new CkptFsException(ErrorCode.Unauthenticated,
                "Not authenticated: this NameNode requires a bearer token (Authentication:Mode=token). Set CKPTFS_TOKEN or CKPTFS_TOKEN_FILE " +
                "(the SDK's CkptFsClientOptions.Token); a superuser issues one with 'ckptfs token issue --user NAME'.");
        }
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new CkptFsException(ErrorCode.Unauthenticated, "Not authenticated: the authorization header must be 'Bearer <token>'.");
        }
        var token = tokens.Authenticate(header[scheme.Length..].Trim());
        CallerIdentity.SetAuthenticated(context, token.User);
    }
}
