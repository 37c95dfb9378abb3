using System.Security.Cryptography;
using CkptFS.Common;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.NameNode.Security;

/// <summary>
/// The NameNode's block keys and the tokens they sign (HDFS BlockTokenSecretManager).
/// - Keys are 32 random bytes. One key is current (signs new tokens) for
///   <see cref="BlockTokenOptions.KeyUpdateInterval"/>; the next one already exists and is handed
///   to DataNodes with the current keys, so that when it takes over every DataNode that heartbeated
///   since knows it (no window where fresh tokens fail).
/// - A key expires 2 × update interval + token lifetime after its turn as current begins: past the
///   end of its turn plus the life of the last token it signed, with one interval of margin for
///   clock skew. DataNodes drop it then.
/// Rotation is checked on use, by the injected clock. Keys live in memory only: after a restart
/// DataNodes get new keys on registration and old tokens fail (clients fetch new ones).
/// </summary>
public sealed class BlockTokenSecretManager
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly BlockTokenOptions _options;
    private readonly List<BlockKey> _keys = [];
    private BlockKey _current;
    private BlockKey _next;
    private DateTimeOffset _currentSince;
    private uint _nextKeyId;

    public BlockTokenSecretManager(TimeProvider time, BlockTokenOptions options)
    {
        options.Validate();
        _time = time;
        _options = options;
        _nextKeyId = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _currentSince = time.GetUtcNow();
        _current = NewKey(_currentSince);
        _next = NewKey(_currentSince + options.KeyUpdateInterval);
    }

    /// <summary>Every key a DataNode needs now: unexpired old ones, the current one and the next one.</summary>
    public IReadOnlyList<BlockKey> GetKeys()
    {
        lock (_lock)
        {
            RotateIfDue();
            return [.. _keys.Select(k => k.Clone())];
        }
    }

    /// <summary>A token for <paramref name="user"/> to do <paramref name="modes"/> on <paramref name="block"/>, valid for the token lifetime.</summary>
    public AccessToken Issue(string user, BlockId block, params AccessMode[] modes)
    {
        lock (_lock)
        {
            RotateIfDue();
            return BlockTokens.Issue(_current, user, block, modes, _time.GetUtcNow() + _options.TokenLifetime);
        }
    }

    /// <summary>The key with this id while it is kept (for checks in tests and tools).</summary>
    public BlockKey? FindKey(uint keyId)
    {
        lock (_lock)
        {
            return _keys.Find(k => k.KeyId == keyId);
        }
    }

    private void RotateIfDue()
    {
        var now = _time.GetUtcNow();
        while (now - _currentSince >= _options.KeyUpdateInterval)
        {
            _currentSince += _options.KeyUpdateInterval;
            _current = _next;
            _next = NewKey(_currentSince + _options.KeyUpdateInterval);
        }
        _keys.RemoveAll(k => k.ExpiryMs < now.ToUnixTimeMilliseconds());
    }

    private BlockKey NewKey(DateTimeOffset turnStarts)
    {
        var key = new BlockKey
        {
            KeyId = _nextKeyId++,
            Key = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            ExpiryMs = (turnStarts + _options.KeyUpdateInterval + _options.KeyUpdateInterval + _options.TokenLifetime).ToUnixTimeMilliseconds(),
        };
        _keys.Add(key);
        return key;
    }
}
