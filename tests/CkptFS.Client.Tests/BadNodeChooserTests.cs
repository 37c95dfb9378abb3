using CkptFS.Client.BlockIO;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Tests;

/// <summary>Which node pipeline recovery drops: the first non-SUCCESS slot of an ack, or the node a setup response names.</summary>
public sealed class BadNodeChooserTests
{
    private const TransferStatus Ok = TransferStatus.Success;
    private const TransferStatus Error = TransferStatus.Error;

    [Theory]
    [InlineData(new[] { Ok, Ok, Ok }, -1)]
    [InlineData(new[] { Error }, 0)]                          // the first node failed itself
    [InlineData(new[] { Ok, Error }, 1)]                      // the first node lost its mirror: the second is bad
    [InlineData(new[] { Ok, Ok, Error }, 2)]                  // the second lost the third
    [InlineData(new[] { Ok, TransferStatus.ErrorDiskFull, Ok }, 1)]
    [InlineData(new[] { TransferStatus.ErrorChecksum, Error, Error }, 0)]
    [InlineData(new[] { Ok, Ok }, 2)]                         // no slot for the third: nobody vouched for it
    [InlineData(new[] { Ok, Ok, Ok, Error }, -1)]             // slots past the pipeline are ignored
    public void An_ack_blames_its_first_non_success_slot(TransferStatus[] replies, int expected) =>
        Assert.Equal(expected, BadNodeChooser.FromAck(replies, pipelineLength: 3));

    [Fact]
    public void An_empty_ack_blames_the_first_node() => Assert.Equal(0, BadNodeChooser.FromAck([], pipelineLength: 2));

    [Theory]
    [InlineData("", 0)]                    // the first node refused by itself
    [InlineData("127.0.0.1:9002", 1)]
    [InlineData("127.0.0.1:9003", 2)]
    [InlineData("10.0.0.9:9866", 0)]       // a link the client does not know: blame the node it talks to
    public void A_setup_failure_blames_the_node_first_bad_link_names(string firstBadLink, int expected)
    {
        DatanodeId[] pipeline = [Node("dn1", 9001), Node("dn2", 9002), Node("dn3", 9003)];

        Assert.Equal(expected, BadNodeChooser.FromSetup(firstBadLink, pipeline));
    }

    private static DatanodeId Node(string uuid, uint port) => new() { DatanodeUuid = uuid, Host = "127.0.0.1", TransferPort = port };
}
