using CkptFS.Client;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Google.Protobuf;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// The data port of a real cluster refuses block tokens that do not hold: a forged signature, a
/// forged claim, a token for another block, an expired token (3 s lifetime here). The NameNode's
/// own token for the block is accepted (the control).
/// </summary>
public sealed class BlockTokenRefusalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> ShortTokens = new()
    {
        ["CKPTFS_NAMENODE__BLOCKTOKENS__TOKENLIFETIME"] = "00:00:03",
        ["CKPTFS_NAMENODE__BLOCKTOKENS__KEYUPDATEINTERVAL"] = "00:00:30",
    };

    [Fact]
    public async Task ForgedExpiredAndOtherBlockTokensAreRefusedOnTheDataPort()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(1, ShortTokens);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        await PutAsync(client, "/tokens/a", TestFiles.RandomBytes(100_000, seed: 1411));
        await PutAsync(client, "/tokens/b", TestFiles.RandomBytes(100_000, seed: 1412));
        var a = (await client.GetBlockLocationsAsync("/tokens/a").WaitAsync(Timeout)).Blocks.Single();
        var b = (await client.GetBlockLocationsAsync("/tokens/b").WaitAsync(Timeout)).Blocks.Single();

        Assert.Equal(100_000, await ReadAllAsync(a));   // the NameNode's token: accepted

        var badSignature = a.Clone();
        var password = badSignature.Token.Password.ToByteArray();
        password[0] ^= 0xFF;
        badSignature.Token.Password = ByteString.CopyFrom(password);
        await AssertRefusedAsync(badSignature, "the token signature does not match");

        // A claim changed (A's token made to name B's block), A's signature kept.
        var forgedClaim = b.Clone();
        var identifier = BlockTokenIdentifier.Parser.ParseFrom(a.Token.Identifier);
        identifier.BlockId = b.Block.BlockId;
        forgedClaim.Token = new AccessToken { Identifier = identifier.ToByteString(), Password = a.Token.Password };
        await AssertRefusedAsync(forgedClaim, "the token signature does not match");

        var otherBlock = b.Clone();
        otherBlock.Token = a.Token;
        await AssertRefusedAsync(otherBlock, $"the token is for blk_{a.Block.BlockId}");

        var noToken = a.Clone();
        noToken.Token = null;
        await AssertRefusedAsync(noToken, "no access token");

        await Task.Delay(TimeSpan.FromSeconds(4));   // past the 3 s token lifetime (its key is kept longer)
        await AssertRefusedAsync(a, "the token expired");
        var fresh = (await client.GetBlockLocationsAsync("/tokens/a").WaitAsync(Timeout)).Blocks.Single();
        Assert.Equal(100_000, await ReadAllAsync(fresh));
    }

    private static async Task PutAsync(CkptFsClient client, string path, byte[] data)
    {
        await using var file = await client.CreateAsync(path, new CreateFileOptions { Replication = 1, CreateParents = true }).WaitAsync(Timeout);
        await file.WriteAsync(data).AsTask().WaitAsync(Timeout);
        await file.CloseAsync().WaitAsync(Timeout);
    }

    private static async Task<int> ReadAllAsync(LocatedBlock block)
    {
        await using var reader = await BlockReader.OpenAsync(block, 0, 0, (long)block.Block.NumBytes, "token-test", new BlockReaderOptions(), CancellationToken.None).WaitAsync(Timeout);
        var buffer = new byte[block.Block.NumBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(filled), CancellationToken.None).AsTask().WaitAsync(Timeout)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    private static async Task AssertRefusedAsync(LocatedBlock block, string reason)
    {
        var refused = await Assert.ThrowsAsync<CkptFsException>(() => ReadAllAsync(block));
        Assert.Equal(ErrorCode.InvalidAccessToken, refused.Code);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }
}
