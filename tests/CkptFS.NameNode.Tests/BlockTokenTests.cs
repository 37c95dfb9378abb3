using CkptFS.Common;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

public class BlockTokenTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private BlockTokenSecretManager NewManager() =>
        new(_time, new BlockTokenOptions { KeyUpdateInterval = TimeSpan.FromHours(1), TokenLifetime = TimeSpan.FromHours(2) });

    [Fact]
    public void ATokenVerifiesForItsBlockAndModeOnly()
    {
        var tokens = NewManager();
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
    public void KeysRotateAndTheNextKeyIsKnownBeforeItSigns()
    {
        var tokens = NewManager();
        var before = tokens.GetKeys();
        Assert.Equal(2, before.Count);   // current and next
        _time.Advance(TimeSpan.FromHours(1));
        var token = tokens.Issue("client-a", new BlockId(1), AccessMode.Read);
        // A DataNode that only had the keys from before the rotation accepts the new token.
        BlockTokens.Verify(token, new BlockId(1), AccessMode.Read, _time.GetUtcNow(), id => before.FirstOrDefault(k => k.KeyId == id));
        var oldToken = BlockTokenIdentifier.Parser.ParseFrom(token.Identifier);
        Assert.Contains(tokens.GetKeys(), k => k.KeyId == before[0].KeyId);   // the old key is kept until it expires
        Assert.Equal(before[1].KeyId, oldToken.KeyId);

        _time.Advance(TimeSpan.FromHours(10));
        Assert.DoesNotContain(tokens.GetKeys(), k => k.KeyId == before[0].KeyId);
    }
}
