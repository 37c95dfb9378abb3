namespace CkptFS.DataNode.Transfer;

/// <summary>
/// Counts the WRITE_BLOCKs (client pipelines, streaming recoveries, re-replication copies) this node
/// is receiving, and refuses new ones once <see cref="Close"/>d: a DataNode stopping for a restart
/// lets the writes in flight finish while the writers' next pipelines go elsewhere.
/// </summary>
internal sealed class WriteGate
{
    private readonly object _lock = new();
    private int _active;
    private bool _closed;
    private TaskCompletionSource? _idle;

    /// <summary>Writes being received now.</summary>
    public int Active
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    /// <summary>Admits one write (then call <see cref="Exit"/>); false once the gate is closed.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
            _active++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            _active--;
            if (_active == 0)
            {
                _idle?.TrySetResult();
            }
        }
    }

    /// <summary>Refuses new writes from now on; the task completes when the writes in flight are done.</summary>
    public Task Close()
    {
        lock (_lock)
        {
            _closed = true;
            if (_active == 0)
            {
                return Task.CompletedTask;
            }
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }
}
