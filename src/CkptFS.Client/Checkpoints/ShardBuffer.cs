namespace CkptFS.Client.Checkpoints;

/// <summary>
/// One shard of an async save as the caller holds it: its path in the checkpoint and its bytes, as
/// one buffer or several (e.g. a safetensors header, then each tensor's storage), in file order.
/// </summary>
public sealed record ShardBuffer(string Path, IReadOnlyList<ReadOnlyMemory<byte>> Segments)
{
    public ShardBuffer(string path, ReadOnlyMemory<byte> data)
        : this(path, [data])
    {
    }

    public long Length => Segments.Sum(s => (long)s.Length);
}
