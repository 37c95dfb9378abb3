using CkptFS.Common;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

/// <summary>ckptfs.v1.TokenProtocol handlers (tokens.proto): who the caller is, then <see cref="TokenManager"/>.</summary>
public sealed class TokenProtocolService(TokenManager tokens) : TokenProtocol.TokenProtocolBase
{
    public override async Task<IssueTokenResponse> IssueToken(IssueTokenRequest request, ServerCallContext context)
    {
        var caller = AuthenticatedCaller(context, "issue tokens");
        var lifetime = request.TtlMs == 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(Math.Min(request.TtlMs, (ulong)long.MaxValue / 2));
        var (text, token) = await tokens.IssueAsync(caller, request.User, request.Renewer, lifetime, context.CancellationToken);
        return new IssueTokenResponse { Token = text, Info = token.ToProto() };
    }

    public override async Task<RenewTokenResponse> RenewToken(RenewTokenRequest request, ServerCallContext context) =>
        new() { Info = (await tokens.RenewAsync(AuthenticatedCaller(context, "renew tokens"), request.Token.Trim(), context.CancellationToken)).ToProto() };

    public override async Task<RevokeTokenResponse> RevokeToken(RevokeTokenRequest request, ServerCallContext context)
    {
        await tokens.RevokeAsync(AuthenticatedCaller(context, "revoke tokens"), request.Token.Trim(), request.Id, context.CancellationToken);
        return new RevokeTokenResponse();
    }

    public override Task<ListTokensResponse> ListTokens(ListTokensRequest request, ServerCallContext context)
    {
        var response = new ListTokensResponse();
        response.Tokens.AddRange(tokens.List(AuthenticatedCaller(context, "list tokens")).Select(t => t.ToProto()));
        return Task.FromResult(response);
    }

    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var user = CallerIdentity.UserOf(context) ?? string.Empty;
        return Task.FromResult(new WhoAmIResponse
        {
            User = user,
            Authenticated = CallerIdentity.IsAuthenticated(context),
            Superuser = tokens.Options.IsSuperuser(user),
            AuthenticatedBy = CallerIdentity.MethodOf(context) ?? string.Empty,
        });
    }

    /// <summary>Tokens only mean something when the NameNode checks them: without authentication they would let anyone name any user later.</summary>
    private string AuthenticatedCaller(ServerCallContext context, string what) =>
        CallerIdentity.IsAuthenticated(context) && CallerIdentity.UserOf(context) is { } user
            ? user
            : throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot {what}: this NameNode runs without authentication (Authentication:Mode={tokens.Options.Mode}); " +
                "set CKPTFS_NAMENODE__AUTHENTICATION__MODE=token on the NameNode first.");
}
