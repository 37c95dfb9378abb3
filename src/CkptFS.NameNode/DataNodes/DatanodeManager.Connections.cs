using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// Fast detection of dead DataNodes. Each DataNode holds a Connect stream open; the RPC handler
/// reports when one opens and when one ends because its connection broke. A broken connection is
/// a positive signal (the process died, its socket was reset, or it shut down), unlike silence,
/// which may be a partition: re-replicating everything a partitioned node holds is worse than
/// waiting. So a node whose last stream closed, and that has neither heartbeated nor reconnected
/// since, is dead after <see cref="DatanodeManagerOptions.DisconnectGrace"/>; silence with a stream
/// open keeps the long <see cref="DatanodeManagerOptions.DeadInterval"/>.
/// </summary>
public sealed partial class DatanodeManager
{
    /// <summary>Records an open Connect stream; false when the node is unknown or was declared dead (it must register first).</summary>
    public bool StreamOpened(string uuid)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(uuid, out var node) || node.DeclaredDead)
            {
                return false;
            }
            node.OpenStreams++;
            node.DisconnectedAt = null;
        }
        LogStreamOpened(uuid);
        return true;
    }

    /// <summary>
    /// Records that a stream opened by <see cref="StreamOpened"/> ended because its connection broke
    /// (not because the NameNode is stopping: that says nothing about the node). The grace starts
    /// when the node's last open stream closes.
    /// </summary>
    public void StreamClosed(string uuid)
    {
        var now = _time.GetUtcNow();
        var inMaintenance = false;
        lock (_lock)
        {
            if (!_nodes.TryGetValue(uuid, out var node) || node.OpenStreams == 0)
            {
                return;
            }
            node.OpenStreams--;
            if (node.OpenStreams > 0 || node.DeclaredDead)
            {
                return;
            }
            node.DisconnectedAt = now;
            inMaintenance = IsInMaintenance(node, now);
        }
        if (inMaintenance)
        {
            LogDisconnectedInMaintenance(uuid);
            return;
        }
        LogDisconnected(uuid, _options.DisconnectGrace);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "DataNode {Uuid} connected")]
    private partial void LogStreamOpened(string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {Uuid} disconnected during its maintenance: waiting for it to register again")]
    private partial void LogDisconnectedInMaintenance(string uuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataNode {Uuid} disconnected: dead in {Grace} unless it heartbeats or reconnects")]
    private partial void LogDisconnected(string uuid, TimeSpan grace);
}
