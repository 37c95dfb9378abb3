using System.Security.Cryptography;
using CkptFS.Common;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Client bearer tokens (HDFS AbstractDelegationTokenSecretManager): issued to a user, renewed by their
/// renewer up to a max lifetime, revoked at once. A token is only a signature over the record the
/// NameNode keeps (<see cref="BearerToken"/>); records and the signing key are committed with the
/// metadata, so tokens survive restarts. Changes run as mutations on the group committer: the
/// in-memory table changes on the committer thread, and the caller gets its token only once the
/// change is durable. Expired records are purged whenever a token is issued.
/// </summary>
public sealed class TokenManager
{
    private readonly object _lock = new();
    private readonly Dictionary<ulong, IssuedToken> _tokens;
    private readonly GroupCommitter _committer;
    private readonly AuthenticationOptions _options;
    private readonly TimeProvider _time;
    private byte[]? _key;

    public TokenManager(GroupCommitter committer, TokenState loaded, AuthenticationOptions options, TimeProvider time)
    {
        _committer = committer;
        _options = options;
        _time = time;
        _key = loaded.Key;
        _tokens = loaded.Tokens.ToDictionary(t => t.Id);
    }

    public AuthenticationOptions Options => _options;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tokens.Count;
            }
        }
    }

    /// <summary>The token behind <paramref name="text"/>, live and signed by this NameNode; else Unauthenticated saying why.</summary>
    public IssuedToken Authenticate(string text)
    {
        var id = BearerToken.IdOf(text) ?? throw Unauthenticated("the bearer token is not a CkptFS token (they start with 'ckt1.')");
        IssuedToken? token;
        byte[]? key;
        lock (_lock)
        {
            key = _key;
            _tokens.TryGetValue(id, out token);
        }
        if (token is null || key is null || !BearerToken.Matches(key, token, text))
        {
            throw Unauthenticated($"token {id} is not one this NameNode issued, or it was revoked or expired long ago");
        }
        var now = NowMs();
        if (now >= token.ExpiresMs)
        {
            throw Unauthenticated($"token {id} of {token.User} expired at {Show(token.ExpiresMs)} (renew tokens before they expire with 'ckptfs token renew')");
        }
        return token;
    }

    /// <summary>A new token for <paramref name="user"/> (the caller when empty; others only for superusers).</summary>
    public async Task<(string Text, IssuedToken Token)> IssueAsync(string caller, string? user, string? renewer, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        var owner = string.IsNullOrEmpty(user) ? caller : user;
        if (owner != caller && !_options.IsSuperuser(caller))
        {
            throw new CkptFsException(ErrorCode.PermissionDenied,
                $"{caller} cannot issue a token for {owner}: only a superuser ({_options.Superusers}) issues tokens for other users.");
        }
        var life = lifetime is { } asked && asked > TimeSpan.Zero ? asked : _options.TokenRenewInterval;
        var issued = await _committer.SubmitAsync(context =>
        {
            var now = NowMs();
            var max = now + (long)_options.TokenMaxLifetime.TotalMilliseconds;
            var token = new IssuedToken(NewId(), owner, string.IsNullOrEmpty(renewer) ? owner : renewer, now, Math.Min(now + (long)life.TotalMilliseconds, max), max);
            lock (_lock)
            {
                if (_key is null)
                {
                    _key = RandomNumberGenerator.GetBytes(32);
                    context.Record(new MetadataOp.PutTokenKey(_key));
                }
                foreach (var expired in _tokens.Values.Where(t => t.ExpiresMs <= now).Select(t => t.Id).ToList())
                {
                    _tokens.Remove(expired);
                    context.Record(new MetadataOp.DeleteToken(expired));
                }
                _tokens[token.Id] = token;
                context.Record(new MetadataOp.PutToken(token));
                return (BearerToken.Format(_key, token), token);
            }
        }, cancellationToken).ConfigureAwait(false);
        return issued;
    }

    /// <summary>Moves the token's expiry to now + renew interval, never past its max lifetime. Its renewer or a superuser.</summary>
    public async Task<IssuedToken> RenewAsync(string caller, string text, CancellationToken cancellationToken)
    {
        var token = Authenticate(text);
        if (caller != token.Renewer && !_options.IsSuperuser(caller))
        {
            throw new CkptFsException(ErrorCode.PermissionDenied, $"{caller} cannot renew token {token.Id}: its renewer is {token.Renewer}.");
        }
        return await _committer.SubmitAsync(context =>
        {
            lock (_lock)
            {
                if (!_tokens.TryGetValue(token.Id, out var current))
                {
                    throw Unauthenticated($"token {token.Id} was revoked");
                }
                var renewed = current with { ExpiresMs = Math.Min(NowMs() + (long)_options.TokenRenewInterval.TotalMilliseconds, current.MaxMs) };
                _tokens[renewed.Id] = renewed;
                context.Record(new MetadataOp.PutToken(renewed));
                return renewed;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the token (named by its text or its id): it fails from the next call on. Its user, its renewer or a superuser.</summary>
    public async Task<IssuedToken> RevokeAsync(string caller, string? text, ulong id, CancellationToken cancellationToken)
    {
        var wanted = string.IsNullOrEmpty(text) ? id : BearerToken.IdOf(text) ?? throw new CkptFsException(ErrorCode.InvalidArgument, "Cannot revoke: the text is not a CkptFS token.");
        IssuedToken? token;
        lock (_lock)
        {
            _tokens.TryGetValue(wanted, out token);
        }
        if (token is null)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot revoke token {wanted}: there is no live token with that id ('ckptfs token ls' lists them).");
        }
        if (caller != token.User && caller != token.Renewer && !_options.IsSuperuser(caller))
        {
            throw new CkptFsException(ErrorCode.PermissionDenied, $"{caller} cannot revoke token {wanted} of {token.User}.");
        }
        await _committer.SubmitAsync(context =>
        {
            lock (_lock)
            {
                if (_tokens.Remove(wanted))
                {
                    context.Record(new MetadataOp.DeleteToken(wanted));
                }
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The live tokens of <paramref name="caller"/> (every one for a superuser), by issue time.</summary>
    public IReadOnlyList<IssuedToken> List(string caller)
    {
        var now = NowMs();
        var all = _options.IsSuperuser(caller);
        lock (_lock)
        {
            return [.. _tokens.Values.Where(t => t.ExpiresMs > now && (all || t.User == caller || t.Renewer == caller)).OrderBy(t => t.IssuedMs).ThenBy(t => t.Id)];
        }
    }

    /// <summary>
    /// The admin token file (mode 0600): kept when it still holds a live superuser token with at least
    /// half a renew interval left, else replaced by a new one that lasts the max lifetime.
    /// </summary>
    public async Task<string> EnsureAdminTokenAsync(string path, CancellationToken cancellationToken)
    {
        var superuser = _options.SuperuserNames[0];
        if (File.Exists(path))
        {
            try
            {
                var token = Authenticate((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim());
                if (token.User == superuser && token.ExpiresMs - NowMs() > (long)(_options.TokenRenewInterval.TotalMilliseconds / 2))
                {
                    return path;
                }
            }
            catch (CkptFsException e) when (e.Code == ErrorCode.Unauthenticated)
            {
                // Stale: replaced below.
            }
        }
        var (text, _) = await IssueAsync(superuser, superuser, superuser, _options.TokenMaxLifetime, cancellationToken).ConfigureAwait(false);
        await Common.Security.SecretFile.WriteAsync(path, text, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static ulong NewId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;

    private static string Show(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static CkptFsException Unauthenticated(string why) => new(ErrorCode.Unauthenticated, $"Not authenticated: {why}.");
}
