using System.Collections.Concurrent;
using CkptFS.Common;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Security;

/// <summary>
/// The block keys this DataNode received from the NameNode (on registration and heartbeat replies),
/// used to check the access token of every data transfer request. Expired keys are dropped.
/// </summary>
public sealed class BlockKeyRing(TimeProvider time)
{
    private readonly ConcurrentDictionary<uint, BlockKey> _keys = new();

    public int Count => _keys.Count;

    public void Update(IEnumerable<BlockKey> keys)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var key in keys)
        {
            _keys[key.KeyId] = key;
        }
        foreach (var (id, key) in _keys)
        {
            if (key.ExpiryMs < now)
            {
                _keys.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Throws <see cref="ErrorCode.InvalidAccessToken"/> unless the token allows one of <paramref name="modes"/> on <paramref name="block"/> now.</summary>
    public BlockTokenIdentifier Verify(AccessToken? token, BlockId block, params ReadOnlySpan<AccessMode> modes) =>
        BlockTokens.VerifyAny(token, block, modes, time.GetUtcNow(), keyId => _keys.TryGetValue(keyId, out var key) ? key : null);
}
