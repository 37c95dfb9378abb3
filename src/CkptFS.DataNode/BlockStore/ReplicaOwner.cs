namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Who holds a replica's files now: its writer (the <see cref="ReplicaWriter"/> of a BlockReceiver) or
/// a recovery step (truncate, rename, finalize). At most one per replica, kept in
/// <see cref="Replica.Owner"/> under the store's lock. A recovery takes a replica from its writer by
/// asking it to stop (<see cref="StopRequested"/>, which the receiver turns into a closed connection)
/// and waiting for <see cref="Released"/>: only then are the files its to change. A stopped owner may
/// no longer finalize or discard the replica, so a writer cut short by a recovery leaves it as it was.
/// </summary>
internal sealed class ReplicaOwner
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires when a recovery wants the replica: the owner must let go soon (close its connection).</summary>
    public CancellationToken StopRequested => _stop.Token;

    /// <summary>Completes once the owner has closed its files and let go of the replica.</summary>
    public Task Released => _released.Task;

    /// <summary>Asks the owner to let go. Runs its callbacks inline: never call it under the store's lock.</summary>
    public void RequestStop() => _stop.Cancel();

    public void Release() => _released.TrySetResult();
}
