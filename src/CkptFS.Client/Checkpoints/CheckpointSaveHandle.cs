using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// An async save in flight: the caller's buffers are already copied (the caller may change them);
/// <see cref="Committed"/> completes once every shard is durable and the step is committed, or
/// fails with the reason (the step is then not visible: it stays pending until collected).
/// </summary>
public sealed class CheckpointSaveHandle
{
    internal CheckpointSaveHandle(ulong step, TimeSpan stall, Task<CheckpointInfo> committed)
    {
        Step = step;
        Stall = stall;
        Committed = committed;
    }

    public ulong Step { get; }

    /// <summary>How long the save call held the caller: waiting for the previous save, then the copy.</summary>
    public TimeSpan Stall { get; }

    public Task<CheckpointInfo> Committed { get; }

    public bool IsCompleted => Committed.IsCompleted;

    public Task<CheckpointInfo> WaitAsync(CancellationToken cancellationToken = default) => Committed.WaitAsync(cancellationToken);
}
