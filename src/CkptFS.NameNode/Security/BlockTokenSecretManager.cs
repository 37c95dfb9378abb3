using CkptFS.Common;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Security;

/// <summary>
/// The NameNode's block keys and the tokens they sign (HDFS BlockTokenSecretManager). The keys
/// (<see cref="BlockKeySet"/>) are persisted with the metadata: a restarted NameNode signs with the
/// same current key and hands DataNodes the same keys, so tokens held by readers and writers stay
/// valid across the restart.
/// Protocol of a roll (<see cref="RollIfDueAsync"/>, run at start and by <see cref="BlockKeyRoller"/>):
///   1. compute the rolled set from the published one and the injected clock;
///   2. make it durable through <see cref="IBlockKeyStore"/>;
///   3. only then publish it: no token is signed with, and no DataNode is given, a key that a crash
///      could lose.
/// Signing never waits for a roll: a late roll only makes the current key sign a little past its
/// turn, which its expiry (one interval of margin) covers.
/// </summary>
public sealed class BlockTokenSecretManager
{
    private readonly TimeProvider _time;
    private readonly BlockTokenOptions _options;
    private readonly IBlockKeyStore _store;
    private readonly SemaphoreSlim _rolling = new(1, 1);
    private BlockKeySet _keys;

    private BlockTokenSecretManager(TimeProvider time, BlockTokenOptions options, IBlockKeyStore store, BlockKeySet keys)
    {
        _time = time;
        _options = options;
        _store = store;
        _keys = keys;
    }

    public BlockTokenOptions Options => _options;

    /// <summary>The published (durable) key set.</summary>
    public BlockKeySet Keys => Volatile.Read(ref _keys);

    /// <summary>
    /// A manager on the <paramref name="loaded"/> keys (null on first start: new keys), rolled when
    /// due, the result durable before it returns.
    /// </summary>
    public static async Task<BlockTokenSecretManager> StartAsync(TimeProvider time, BlockTokenOptions options, IBlockKeyStore store, BlockKeySet? loaded,
        CancellationToken cancellationToken)
    {
        options.Validate();
        var initial = loaded ?? BlockKeySet.Create(time.GetUtcNow(), options);
        var manager = new BlockTokenSecretManager(time, options, store, initial);
        if (loaded is null)
        {
            await store.SaveAsync(initial, cancellationToken);
        }
        await manager.RollIfDueAsync(cancellationToken);
        return manager;
    }

    /// <summary>Every key a DataNode needs now: unexpired old ones, the current one and the next one.</summary>
    public IReadOnlyList<BlockKey> GetKeys() => [.. Keys.Unexpired(_time.GetUtcNow()).Select(k => k.Clone())];

    /// <summary>A token for <paramref name="user"/> to do <paramref name="modes"/> on <paramref name="block"/>, valid for the token lifetime.</summary>
    public AccessToken Issue(string user, BlockId block, params AccessMode[] modes) =>
        BlockTokens.Issue(Keys.Current, user, block, modes, _time.GetUtcNow() + _options.TokenLifetime);

    /// <summary>The key with this id while it is kept (for checks in tests and tools).</summary>
    public BlockKey? FindKey(uint keyId) => Keys.Find(keyId);

    /// <summary>Rolls the keys when the current turn has ended; true when it rolled (and the new set is durable and published).</summary>
    public async Task<bool> RollIfDueAsync(CancellationToken cancellationToken)
    {
        await _rolling.WaitAsync(cancellationToken);
        try
        {
            var keys = Keys;
            var rolled = keys.RollIfDue(_time.GetUtcNow(), _options);
            if (ReferenceEquals(rolled, keys))
            {
                return false;
            }
            await _store.SaveAsync(rolled, cancellationToken);
            Volatile.Write(ref _keys, rolled);
            return true;
        }
        finally
        {
            _rolling.Release();
        }
    }
}
