using System.Security.Cryptography;
using CkptFS.Common;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Protocol.Security;

/// <summary>
/// Block access tokens (HDFS BlockTokenSecretManager): the NameNode signs "client X may do M on
/// block B until T" with a secret block key it shares with the DataNodes, which check the
/// signature and the claims without calling the NameNode. password = HMAC-SHA256(key, identifier).
/// </summary>
public static class BlockTokens
{
    public static AccessToken Issue(BlockKey key, string user, BlockId block, IEnumerable<AccessMode> modes, DateTimeOffset expiry)
    {
        var identifier = new BlockTokenIdentifier
        {
            ExpiryMs = expiry.ToUnixTimeMilliseconds(),
            KeyId = key.KeyId,
            User = user,
            BlockId = block.Value,
        };
        identifier.Modes.AddRange(modes);
        var bytes = identifier.ToByteArray();
        return new AccessToken
        {
            Identifier = ByteString.CopyFrom(bytes),
            Password = ByteString.CopyFrom(HMACSHA256.HashData(key.Key.Span, bytes)),
        };
    }

    /// <summary>
    /// Checks the token for <paramref name="mode"/> on <paramref name="block"/> at <paramref name="now"/>,
    /// finding its key with <paramref name="findKey"/>; throws <see cref="ErrorCode.InvalidAccessToken"/>
    /// with the reason when it does not hold.
    /// </summary>
    public static BlockTokenIdentifier Verify(AccessToken? token, BlockId block, AccessMode mode, DateTimeOffset now, Func<uint, BlockKey?> findKey) =>
        VerifyAny(token, block, [mode], now, findKey);

    /// <summary>
    /// <see cref="Verify"/> for an op that any of several modes allows (TRANSFER_BLOCK: the writer's WRITE
    /// token or a COPY one); the token must allow at least one of <paramref name="modes"/>.
    /// </summary>
    public static BlockTokenIdentifier VerifyAny(AccessToken? token, BlockId block, ReadOnlySpan<AccessMode> modes, DateTimeOffset now, Func<uint, BlockKey?> findKey)
    {
        if (token is null || token.Identifier.IsEmpty)
        {
            throw Refuse(block, "no access token");
        }
        BlockTokenIdentifier identifier;
        try
        {
            identifier = BlockTokenIdentifier.Parser.ParseFrom(token.Identifier);
        }
        catch (InvalidProtocolBufferException)
        {
            throw Refuse(block, "the token identifier is malformed");
        }
        var key = findKey(identifier.KeyId) ?? throw Refuse(block, $"unknown block key {identifier.KeyId} (the DataNode may not have the NameNode's current keys yet)");
        var expected = HMACSHA256.HashData(key.Key.Span, token.Identifier.Span);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.Password.Span))
        {
            throw Refuse(block, "the token signature does not match");
        }
        if (identifier.BlockId != block.Value)
        {
            throw Refuse(block, $"the token is for blk_{identifier.BlockId}");
        }
        if (identifier.ExpiryMs < now.ToUnixTimeMilliseconds())
        {
            throw Refuse(block, $"the token expired at {DateTimeOffset.FromUnixTimeMilliseconds(identifier.ExpiryMs):u}");
        }
        foreach (var mode in modes)
        {
            if (identifier.Modes.Contains(mode))
            {
                return identifier;
            }
        }
        throw Refuse(block, $"the token does not allow {string.Join(" or ", modes.ToArray())}");
    }

    private static CkptFsException Refuse(BlockId block, string reason) =>
        new(ErrorCode.InvalidAccessToken, $"Access to {block} refused: {reason}.");
}
