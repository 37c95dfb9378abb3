using CkptFS.Common;
using CkptFS.Protocol.Tls;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.NameNode.Security;

/// <summary>
/// With Authentication:Mode=token, every call of the services it wraps must prove its user: with
/// "authorization: Bearer ckt1...." naming a live token (the call acts for the token's user), or,
/// when the gRPC port asks for client certificates (Tls:ClientCaFile), with a certificate the
/// handshake already checked against that CA (the call acts for its CN). A token wins when both are
/// given (a superuser's job may hold a token for another user). Anything else fails
/// UNAUTHENTICATED before the handler runs, with a message saying what is missing. It sits inside
/// the audit interceptor, so refusals are audited.
/// </summary>
/// <param name="clientCertificates">The port asks for client certificates (for the message).</param>
public sealed class AuthenticationInterceptor(TokenManager tokens, bool clientCertificates = false) : Interceptor
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
            // Present only when the handshake asked for it and checked it against the client CA.
            if (ClientCertificates.UserOf(context.GetHttpContext().Connection.ClientCertificate) is { } user)
            {
                CallerIdentity.SetAuthenticated(context, user, "certificate");
                return;
            }
            throw new CkptFsException(ErrorCode.Unauthenticated,
                "Not authenticated: this NameNode requires a bearer token (Authentication:Mode=token). Set CKPTFS_TOKEN or CKPTFS_TOKEN_FILE " +
                "(the SDK's CkptFsClientOptions.Token); a superuser issues one with 'ckptfs token issue --user NAME'" +
                (clientCertificates ? ", or present a client certificate of the cluster's client CA (CKPTFS_TLS_CERT and CKPTFS_TLS_KEY)." : "."));
        }
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new CkptFsException(ErrorCode.Unauthenticated, "Not authenticated: the authorization header must be 'Bearer <token>'.");
        }
        var token = tokens.Authenticate(header[scheme.Length..].Trim());
        CallerIdentity.SetAuthenticated(context, token.User, "token");
    }
}
