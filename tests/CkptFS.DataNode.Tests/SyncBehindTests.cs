namespace CkptFS.DataNode.Tests;

public class SyncBehindTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_replica_being_written_is_written_back_in_steps_and_finalizes_intact(bool dropBehind)
    {
        using var fixture = new StoreFixture();
        fixture.Options.SyncBehindBytes = 1 << 20;
        fixture.Options.DropBehindWrites = dropBehind;
        var data = StoreFixture.RandomBytes((8 << 20) + 1000, seed: 7);
        using (var writer = fixture.Store.CreateRbw(StoreFixture.Block(1), 512))
        {
            StoreFixture.Append(writer, 0, data.AsSpan(0, 3 << 20));
            Assert.Equal(3, writer.SyncBehindSteps);   // the block is still streaming, and writeback has begun
            StoreFixture.Append(writer, 3 << 20, data.AsSpan(3 << 20));
            Assert.Equal(8, writer.SyncBehindSteps);   // whole steps only: the tail is left to finalize's fsync
            writer.FinalizeReplica();
        }
        using var input = fixture.Store.OpenForRead(StoreFixture.Block(1));
        Assert.True(input.IsFinalized);
        Assert.Equal(data, StoreFixture.ReadAll(input));
    }

    [Fact]
    public void Zero_turns_it_off()
    {
        using var fixture = new StoreFixture();
        fixture.Options.SyncBehindBytes = 0;
        using var writer = fixture.Store.CreateRbw(StoreFixture.Block(1), 512);
        StoreFixture.Append(writer, 0, StoreFixture.RandomBytes(2 << 20, seed: 8));
        Assert.Equal(0, writer.SyncBehindSteps);
    }
}
