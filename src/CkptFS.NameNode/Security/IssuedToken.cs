namespace CkptFS.NameNode.Security;

/// <summary>
/// A bearer token the NameNode issued and has not revoked (HDFS DelegationTokenInformation). Times
/// are unix milliseconds. The secret the client holds is derived from these fields (<see cref="BearerToken"/>),
/// so the record is all the NameNode keeps.
/// </summary>
public sealed record IssuedToken(ulong Id, string User, string Renewer, long IssuedMs, long ExpiresMs, long MaxMs)
{
    /// <summary>As TokenProtocol answers it and as the metadata store keeps it (the same message: nothing in it is secret).</summary>
    public Protocol.V1.TokenInfo ToProto() => new()
    {
        Id = Id,
        User = User,
        Renewer = Renewer,
        IssuedMs = IssuedMs,
        ExpiresMs = ExpiresMs,
        MaxMs = MaxMs,
    };

    public static IssuedToken FromProto(Protocol.V1.TokenInfo info) => new(info.Id, info.User, info.Renewer, info.IssuedMs, info.ExpiresMs, info.MaxMs);
}

/// <summary>What the metadata store holds for tokens: the signing key (null until the first token) and the live tokens.</summary>
public sealed record TokenState(byte[]? Key, IReadOnlyList<IssuedToken> Tokens)
{
    public static readonly TokenState Empty = new(null, []);
}
