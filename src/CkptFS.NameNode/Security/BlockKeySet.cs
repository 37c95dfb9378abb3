using System.Collections.Immutable;
using System.Security.Cryptography;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.NameNode.Security;

/// <summary>
/// One version of the NameNode's block keys, immutable: the current key (signs new tokens), the next
/// one (already handed to DataNodes, takes over when the current turn ends), the older keys that
/// have not expired, and the key id counter. Persisted whole (BlockKeysRecord) each time it rolls,
/// so a restarted NameNode goes on with the same keys and schedule.
/// - A key's turn as current lasts <see cref="BlockTokenOptions.KeyUpdateInterval"/>.
/// - A key expires 2 × update interval + token lifetime after its turn begins: past the end of its
///   turn plus the life of the last token it signed, with one interval of margin for clock skew.
/// </summary>
public sealed record BlockKeySet(uint CurrentKeyId, uint NextKeyId, DateTimeOffset CurrentSince, uint NextFreeKeyId, ImmutableArray<BlockKey> Keys)
{
    /// <summary>A new set (first start): a random first key id, as HDFS starts its key serial at random.</summary>
    public static BlockKeySet Create(DateTimeOffset now, BlockTokenOptions options)
    {
        var firstId = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var current = NewKey(firstId, now, options);
        var next = NewKey(firstId + 1, now + options.KeyUpdateInterval, options);
        return new BlockKeySet(current.KeyId, next.KeyId, now, firstId + 2, [current, next]);
    }

    public BlockKey Current => Find(CurrentKeyId) ?? throw new InvalidOperationException($"Block key set without its current key {CurrentKeyId}.");

    /// <summary>When the current key's turn ends and the next one takes over.</summary>
    public DateTimeOffset RollDueAt(BlockTokenOptions options) => CurrentSince + options.KeyUpdateInterval;

    public BlockKey? Find(uint keyId)
    {
        foreach (var key in Keys)
        {
            if (key.KeyId == keyId)
            {
                return key;
            }
        }
        return null;
    }

    /// <summary>The keys a DataNode needs at <paramref name="now"/>: every unexpired one (current and next included).</summary>
    public IEnumerable<BlockKey> Unexpired(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        return Keys.Where(k => k.ExpiryMs >= nowMs);
    }

    /// <summary>
    /// The set at <paramref name="now"/>: this one when the current turn has not ended; else the
    /// next key takes over and a new next key is made. After a NameNode was down for two turns or
    /// more, the next key's turn is over too: both are replaced by new keys whose turn starts at the
    /// last due boundary (the schedule keeps its phase). Expired keys are dropped.
    /// </summary>
    public BlockKeySet RollIfDue(DateTimeOffset now, BlockTokenOptions options)
    {
        var turns = (long)Math.Floor((now - CurrentSince) / options.KeyUpdateInterval);
        if (turns < 1)
        {
            return this;
        }
        var since = CurrentSince + options.KeyUpdateInterval * turns;
        var nextFree = NextFreeKeyId;
        var keys = Keys.ToBuilder();
        var current = turns == 1 ? Find(NextKeyId)! : Add(keys, NewKey(nextFree++, since, options));
        var next = Add(keys, NewKey(nextFree++, since + options.KeyUpdateInterval, options));
        var nowMs = now.ToUnixTimeMilliseconds();
        keys.RemoveAll(k => k.ExpiryMs < nowMs);
        return new BlockKeySet(current.KeyId, next.KeyId, since, nextFree, keys.ToImmutable());
    }

    public BlockKeysRecord ToRecord()
    {
        var record = new BlockKeysRecord
        {
            CurrentKeyId = CurrentKeyId,
            NextKeyId = NextKeyId,
            CurrentSinceMs = CurrentSince.ToUnixTimeMilliseconds(),
            NextFreeKeyId = NextFreeKeyId,
        };
        record.Keys.AddRange(Keys);
        return record;
    }

    public static BlockKeySet FromRecord(BlockKeysRecord record) =>
        new(record.CurrentKeyId, record.NextKeyId, DateTimeOffset.FromUnixTimeMilliseconds(record.CurrentSinceMs), record.NextFreeKeyId, [.. record.Keys]);

    private static BlockKey Add(ImmutableArray<BlockKey>.Builder keys, BlockKey key)
    {
        keys.Add(key);
        return key;
    }

    private static BlockKey NewKey(uint keyId, DateTimeOffset turnStarts, BlockTokenOptions options) => new()
    {
        KeyId = keyId,
        Key = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
        ExpiryMs = (turnStarts + options.KeyUpdateInterval + options.KeyUpdateInterval + options.TokenLifetime).ToUnixTimeMilliseconds(),
    };
}
