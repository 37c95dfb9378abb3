using CkptFS.Common;
using CkptFS.NameNode.Persistence;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// Block keys persisted with the metadata (RocksDB through the group committer): a NameNode
/// restarted on the same folder signs with the same current key, hands out the same keys, and
/// keeps rolling on the same schedule; a restart after a turn ended rolls at start.
/// </summary>
public sealed class BlockKeyPersistenceTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly BlockTokenOptions Options = new() { KeyUpdateInterval = TimeSpan.FromHours(1), TokenLifetime = TimeSpan.FromHours(2) };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly TempDirectory _directory = new("ckptfs-keys");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ARestartedNameNodeSignsWithTheSameKeysAndOldTokensStillVerify()
    {
        BlockKeySet first;
        AccessToken token;
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            Assert.Null(node.Image.BlockKeys);   // first start: new keys, saved
            first = node.Tokens.Keys;
            token = node.Tokens.Issue("reader", new BlockId(9), AccessMode.Read);
        }
        _time.Advance(TimeSpan.FromMinutes(30));
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            var loaded = node.Image.BlockKeys!;
            Assert.Equal((first.CurrentKeyId, first.NextKeyId, first.CurrentSince, first.NextFreeKeyId), (loaded.CurrentKeyId, loaded.NextKeyId, loaded.CurrentSince, loaded.NextFreeKeyId));
            Assert.Equal(first.Keys.ToArray(), loaded.Keys.ToArray());   // protobuf equality: ids, key bytes, expiries
            Assert.Same(loaded, node.Tokens.Keys);   // not due: no roll
            Assert.Equal(first.CurrentKeyId, KeyIdOf(node.Tokens.Issue("reader", new BlockId(9), AccessMode.Read)));
            // A DataNode that only knows the restarted NameNode's keys accepts the token from before the restart.
            var keys = node.Tokens.GetKeys();
            BlockTokens.Verify(token, new BlockId(9), AccessMode.Read, _time.GetUtcNow(), id => keys.FirstOrDefault(k => k.KeyId == id));
        }
    }

    [Fact]
    public async Task ARestartAfterTheTurnEndedRollsAtStartAndTheRollIsDurable()
    {
        BlockKeySet first;
        AccessToken token;
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            first = node.Tokens.Keys;
            token = node.Tokens.Issue("writer", new BlockId(3), AccessMode.Write);
        }
        _time.Advance(TimeSpan.FromMinutes(70));   // down across the end of the turn
        BlockKeySet rolled;
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            rolled = node.Tokens.Keys;
            Assert.Equal(first.NextKeyId, rolled.CurrentKeyId);   // the next key took over: DataNodes knew it already
            Assert.Equal(first.CurrentSince + Options.KeyUpdateInterval, rolled.CurrentSince);   // the schedule keeps its phase
            Assert.True(rolled.NextKeyId >= first.NextFreeKeyId, "a new key reuses no id");
            var keys = node.Tokens.GetKeys();
            Assert.Contains(keys, k => k.KeyId == first.CurrentKeyId);   // kept until it expires: its tokens still verify
            BlockTokens.Verify(token, new BlockId(3), AccessMode.Write, _time.GetUtcNow(), id => keys.FirstOrDefault(k => k.KeyId == id));

            _time.Advance(TimeSpan.FromHours(1));
            Assert.True(await node.Tokens.RollIfDueAsync(CancellationToken.None).WaitAsync(Timeout));
            rolled = node.Tokens.Keys;
        }
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            Assert.Equal((rolled.CurrentKeyId, rolled.NextKeyId, rolled.CurrentSince), (node.Tokens.Keys.CurrentKeyId, node.Tokens.Keys.NextKeyId, node.Tokens.Keys.CurrentSince));
        }
    }

    [Fact]
    public async Task AfterALongOutageOldTokensExpireAndBothKeysAreNew()
    {
        BlockKeySet first;
        AccessToken token;
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            first = node.Tokens.Keys;
            token = node.Tokens.Issue("reader", new BlockId(4), AccessMode.Read);
        }
        _time.Advance(TimeSpan.FromHours(5.5));
        await using (var node = await MetadataNode.StartAsync(_directory.Combine("metadata"), _time))
        {
            var keys = node.Tokens.Keys;
            Assert.Equal(first.CurrentSince + TimeSpan.FromHours(5), keys.CurrentSince);
            Assert.True(keys.CurrentKeyId >= first.NextFreeKeyId && keys.NextKeyId > keys.CurrentKeyId);
            Assert.DoesNotContain(keys.Keys, k => k.KeyId == first.CurrentKeyId);   // expired 4 h after its turn began: dropped
            var error = Assert.Throws<CkptFsException>(() =>
                BlockTokens.Verify(token, new BlockId(4), AccessMode.Read, _time.GetUtcNow(), id => node.Tokens.FindKey(id) ?? first.Find(id)));
            Assert.Equal(ErrorCode.InvalidAccessToken, error.Code);
            Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        }
    }

    private static uint KeyIdOf(AccessToken token) => BlockTokenIdentifier.Parser.ParseFrom(token.Identifier).KeyId;

    /// <summary>The NameNode's metadata path for block keys: RocksDB store, group committer, secret manager on the loaded image.</summary>
    private sealed class MetadataNode : IAsyncDisposable
    {
        private readonly RocksMetadataStore _store;
        private readonly GroupCommitter _committer;

        private MetadataNode(RocksMetadataStore store, GroupCommitter committer, MetadataImage image, BlockTokenSecretManager tokens)
        {
            _store = store;
            _committer = committer;
            Image = image;
            Tokens = tokens;
        }

        public MetadataImage Image { get; }

        public BlockTokenSecretManager Tokens { get; }

        public static async Task<MetadataNode> StartAsync(string directory, TimeProvider time)
        {
            var store = new RocksMetadataStore(directory);
            var image = store.Load();
            var committer = new GroupCommitter(store, image, time, NullLogger<GroupCommitter>.Instance);
            var tokens = await BlockTokenSecretManager.StartAsync(time, Options, new CommittedBlockKeyStore(committer), image.BlockKeys, CancellationToken.None).WaitAsync(Timeout);
            return new MetadataNode(store, committer, image, tokens);
        }

        public ValueTask DisposeAsync()
        {
            _committer.Dispose();
            _store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
