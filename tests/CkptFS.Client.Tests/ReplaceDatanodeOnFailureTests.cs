using CkptFS.Client.Streams;

namespace CkptFS.Client.Tests;

/// <summary>HDFS's DEFAULT replacement policy: r >= 3 and (n &lt;= r/2, or n &lt; r on an hflushed block).</summary>
public sealed class ReplaceDatanodeOnFailureTests
{
    [Theory]
    [InlineData(3, 2, false, 0)]   // one of three lost, never flushed: go on with two
    [InlineData(3, 2, true, 1)]    // ... but readers saw the bytes: back to three
    [InlineData(3, 1, false, 2)]   // two of three lost: 1 <= 3/2
    [InlineData(3, 3, true, 0)]    // nothing lost
    [InlineData(4, 2, false, 2)]   // 2 <= 4/2
    [InlineData(4, 3, false, 0)]
    [InlineData(4, 3, true, 1)]
    [InlineData(5, 2, false, 3)]
    [InlineData(5, 3, false, 0)]   // 3 > 5/2 (floor 2)
    [InlineData(2, 1, true, 0)]    // replication below 3 never replaces
    [InlineData(1, 0, true, 0)]
    public void Replaces_only_what_the_default_policy_asks_for(int replication, int survivors, bool flushed, int expected) =>
        Assert.Equal(expected, ReplaceDatanodeOnFailure.ReplacementsWanted(replication, survivors, flushed));
}
