using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class KeyPrefixTests
{
    [Theory]
    [InlineData("01", "02")]
    [InlineData("01FF", "02")]
    [InlineData("0100", "0101")]
    [InlineData("00FFFF", "01")]
    [InlineData("61FE", "61FF")]
    [InlineData("FF", "")]
    [InlineData("FFFF", "")]
    public void TheSuccessorIsTheShortestKeyAfterEveryKeyWithThePrefix(string prefixHex, string successorHex)
    {
        var prefix = Convert.FromHexString(prefixHex);
        var length = KeyPrefix.SuccessorLength(prefix);
        Assert.Equal(successorHex.Length / 2, length);
        if (length == 0)
        {
            return;
        }

        var successor = new byte[length];
        KeyPrefix.WriteSuccessor(prefix, successor);
        Assert.Equal(successorHex, Convert.ToHexString(successor));
    }
}
