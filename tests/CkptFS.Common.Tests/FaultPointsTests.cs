using CkptFS.Common.Faults;

namespace CkptFS.Common.Tests;

public class FaultPointsTests
{
    [Fact]
    public void DisarmedPointsDoNothing() => FaultPoints.Hit(FaultPoint.DataNodeBeforeFinalize);

    [Fact]
    public void AnArmedThrowFiresAfterSkipForTimesThenDisarms()
    {
        using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeAfterPacketStoredBeforeAck, FaultAction.Throw, Skip: 2, Times: 2)))
        {
            FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck);
            FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck);
            Assert.Throws<FaultInjectedException>(() => FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck));
            var error = Assert.Throws<FaultInjectedException>(() => FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck));
            Assert.Equal(FaultPoint.DataNodeAfterPacketStoredBeforeAck, error.Point);
            FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck);
        }
        using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeAfterPacketStoredBeforeAck, FaultAction.Throw)))
        {
            Assert.Throws<FaultInjectedException>(() => FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck));
        }
        FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck);
    }

    [Fact]
    public void TheEnvironmentSyntaxParses()
    {
        var rules = FaultPoints.Parse(" NameNodeAfterCommitBeforeReply=crash:skip=3 , datanodebeforefinalize=DELAY:ms=250:times=1 ");
        Assert.Equal(2, rules.Count);
        Assert.Equal(new FaultRule(FaultPoint.NameNodeAfterCommitBeforeReply, FaultAction.Crash, Skip: 3), rules[0]);
        Assert.Equal(FaultAction.Delay, rules[1].Action);
        Assert.Equal(TimeSpan.FromMilliseconds(250), rules[1].Delay);
        Assert.Equal(1, rules[1].Times);
        Assert.Empty(FaultPoints.Parse(null));
        Assert.Empty(FaultPoints.Parse(""));
    }

    [Theory]
    [InlineData("NoSuchPoint=crash", "POINT=ACTION")]
    [InlineData("DataNodeBeforeFinalize=explode", "POINT=ACTION")]
    [InlineData("DataNodeBeforeFinalize", "POINT=ACTION")]
    [InlineData("DataNodeBeforeFinalize=delay:ms=x", "NAME=NUMBER")]
    [InlineData("DataNodeBeforeFinalize=delay:every=2", "unknown option")]
    public void MalformedSpecsAreRefusedWithTheReason(string spec, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => FaultPoints.Parse(spec));
        Assert.Contains(FaultPoints.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
