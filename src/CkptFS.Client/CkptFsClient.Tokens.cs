using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>
/// Bearer tokens (HDFS delegation tokens): a job in a pod gets one from a superuser or issues one for
/// itself, sends it on every call (<see cref="CkptFsClientOptions.Token"/>), renews it before it
/// expires and revokes it when done. Only a NameNode that authenticates hands them out.
/// </summary>
public sealed partial class CkptFsClient
{
    /// <summary>A token for <paramref name="user"/> (null: this client's user; another user only as a superuser), renewable by <paramref name="renewer"/>.</summary>
    public Task<IssueTokenResponse> IssueTokenAsync(string? user = null, TimeSpan? lifetime = null, string? renewer = null, CancellationToken cancellationToken = default)
    {
        var request = new IssueTokenRequest { User = user ?? string.Empty, Renewer = renewer ?? string.Empty, TtlMs = (ulong)(lifetime?.TotalMilliseconds ?? 0) };
        return CallAsync(options => _tokens.IssueTokenAsync(request, options), cancellationToken);
    }

    /// <summary>Extends <paramref name="token"/> by the NameNode's renew interval (never past its max lifetime).</summary>
    public async Task<TokenInfo> RenewTokenAsync(string token, CancellationToken cancellationToken = default) =>
        (await CallAsync(options => _tokens.RenewTokenAsync(new RenewTokenRequest { Token = token }, options), cancellationToken)).Info;

    /// <summary>Revokes a token, by its text or (with <paramref name="token"/> null) its id: it fails from the next call on.</summary>
    public async Task RevokeTokenAsync(string? token, ulong id = 0, CancellationToken cancellationToken = default) =>
        await CallAsync(options => _tokens.RevokeTokenAsync(new RevokeTokenRequest { Token = token ?? string.Empty, Id = id }, options), cancellationToken);

    /// <summary>This user's live tokens (a superuser's: all of them).</summary>
    public async Task<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync(options => _tokens.ListTokensAsync(new ListTokensRequest(), options), cancellationToken)).Tokens;

    /// <summary>Who the NameNode takes this client for.</summary>
    public Task<WhoAmIResponse> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        CallAsync(options => _tokens.WhoAmIAsync(new WhoAmIRequest(), options), cancellationToken);
}
