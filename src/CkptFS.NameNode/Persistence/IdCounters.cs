namespace CkptFS.NameNode.Persistence;

/// <summary>
/// The next block id and generation stamp to hand out (CountersRecord). Persisted in the same batch
/// as the mutation that used them, so neither is ever reused, even across a crash. They start high
/// enough to tell them apart from inode ids in logs (HDFS starts genstamps at 1000 too).
/// </summary>
public readonly record struct IdCounters(ulong NextBlockId, ulong NextGenerationStamp)
{
    public static readonly IdCounters Initial = new(1L << 30, 1000);
}
