using CkptFS.Common;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

public class BlockTokenTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private async Task<BlockTokenSecretManager> NewManagerAsync() =>
        await BlockTokenSecretManager.StartAsync(_time, new BlockTokenOptions { KeyUpdateInterval = TimeSpan.FromHours(1), TokenLifetime = TimeSpan.FromHours(2) },
            new MemoryBlockKeyStore(), loaded: null, CancellationToken.None).WaitAsync(Timeout);

    [Fact]
    public async Task ATokenVerifiesForItsBlockAndModeOnly()
    {
        var tokens = await NewManagerAsync();
        var keys = tokens.GetKeys();
        Assert.All(keys, k => Assert.Equal(32, k.Key.Length));
        var token = tokens.Issue("client-a", new BlockId(5), AccessMode.Write, AccessMode.Copy);
        BlockKey? Find(uint id) => keys.FirstOrDefault(k => k.KeyId == id);

        var identifier = BlockTokens.Verify(token, new BlockId(5), AccessMode.Write, _time.GetUtcNow(), Find);
        Assert.Equal("client-a", identifier.User);
        Assert.Equal(ErrorCode.InvalidAccessToken,
            Assert.Throws<CkptFsException>(() => BlockTokens.Verify(token, new BlockId(6), AccessMode.Write, _time.GetUtcNow(), Find)).Code);
        Assert.Throws<CkptFsException>(() => BlockTokens.Verify(token, new BlockId(5), AccessMode.Read, _time.GetUtcNow(), Find));
        Assert.Throws<CkptFsException>(() => BlockTokens.Verify(token, new BlockId(5), AccessMode.Write, _time.GetUtcNow() + TimeSpan.FromHours(2.1), Find));
    }

    [Fact]
    public async Task KeysRotateAndTheNextKeyIsKnownBeforeItSigns()
    {
        var tokens = await NewManagerAsync();
        var before = tokens.GetKeys();
        Assert.Equal(2, before.Count);   // current and next
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(await tokens.RollIfDueAsync(CancellationToken.None).WaitAsync(Timeout));
        var token = tokens.Issue("client-a", new BlockId(1), AccessMode.Read);
        // A DataNode that only had the keys from before the rotation accepts the new token.
        BlockTokens.Verify(token, new BlockId(1), AccessMode.Read, _time.GetUtcNow(), id => before.FirstOrDefault(k => k.KeyId == id));
        var oldToken = BlockTokenIdentifier.Parser.ParseFrom(token.Identifier);
        Assert.Contains(tokens.GetKeys(), k => k.KeyId == before[0].KeyId);   // the old key is kept until it expires
        Assert.Equal(before[1].KeyId, oldToken.KeyId);

        _time.Advance(TimeSpan.FromHours(10));
        Assert.DoesNotContain(tokens.GetKeys(), k => k.KeyId == before[0].KeyId);
    }

    [Fact]
    public async Task ARollIsDurableBeforeItSignsAndAFailedSaveKeepsTheOldKeys()
    {
        var store = new MemoryBlockKeyStore();
        var tokens = await BlockTokenSecretManager.StartAsync(_time, new BlockTokenOptions { KeyUpdateInterval = TimeSpan.FromHours(1), TokenLifetime = TimeSpan.FromHours(2) },
            store, loaded: null, CancellationToken.None).WaitAsync(Timeout);
        Assert.Same(tokens.Keys, store.Saved[^1]);   // a first start saves its new keys
        var before = tokens.Keys;

        store.Fail = true;
        _time.Advance(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<IOException>(() => tokens.RollIfDueAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Same(before, tokens.Keys);
        Assert.Equal(before.CurrentKeyId, KeyIdOf(tokens.Issue("c", new BlockId(1), AccessMode.Read)));

        store.Fail = false;
        Assert.True(await tokens.RollIfDueAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Same(tokens.Keys, store.Saved[^1]);
        Assert.Equal(before.NextKeyId, KeyIdOf(tokens.Issue("c", new BlockId(1), AccessMode.Read)));
    }

    private static uint KeyIdOf(AccessToken token) => BlockTokenIdentifier.Parser.ParseFrom(token.Identifier).KeyId;

    /// <summary>Keeps what was saved, in memory; <see cref="Fail"/> makes a save throw as a failed metadata write would.</summary>
    internal sealed class MemoryBlockKeyStore : IBlockKeyStore
    {
        public List<BlockKeySet> Saved { get; } = [];

        public bool Fail { get; set; }

        public Task SaveAsync(BlockKeySet keys, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                return Task.FromException(new IOException("disk gone"));
            }
            Saved.Add(keys);
            return Task.CompletedTask;
        }
    }
}
