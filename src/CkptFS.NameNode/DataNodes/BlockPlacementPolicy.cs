using CkptFS.Common;

namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// Chooses the DataNodes of a new block's pipeline (HDFS BlockPlacementPolicyDefault, on location
/// labels instead of racks):
///   1. candidates: live (not stale, not in maintenance) nodes the client did not exclude, with room for a whole block
///      after the blocks already scheduled on them (<see cref="DatanodeSnapshot.HasRoomFor"/>: the last
///      heartbeat's remaining bytes do not count blocks chosen since, HDFS's isGoodTarget);
///   2. ordered least loaded first: fewest blocks scheduled (chosen by this NameNode and not yet reported
///      received: fresh, where the heartbeat's counts lag by up to an interval, so back-to-back blocks of
///      one file spread instead of piling on the node that looked idlest), then fewest transfers in
///      progress, then most remaining bytes after the scheduled blocks, ties broken by the injected
///      <see cref="Random"/> (so equal nodes share the load);
///   3. 1st replica: a DataNode on the client's host when there is one (a local write), else the first;
///   4. 2nd: the first on another location than the 1st (survives a rack or zone);
///   5. 3rd: the first on the 2nd's location (cheap pipeline hop), or on a new one when the first two
///      share a location;
///   6. more: the next ones in load order.
/// Each preference falls back to the next node in order when no label fits. Fewer candidates than
/// asked gives a short pipeline (the block is under-replicated, repaired later); none is an error:
/// <see cref="ErrorCode.DiskFull"/> when there are live nodes the client may use but none has room
/// (the cluster is full: retrying will not help), else <see cref="ErrorCode.NotEnoughDataNodes"/>.
/// </summary>
public sealed class BlockPlacementPolicy(Random random)
{
    public IReadOnlyList<DatanodeSnapshot> ChooseTargets(
        IReadOnlyCollection<DatanodeSnapshot> nodes, int replication, IReadOnlySet<string> excluded, string? clientHost, long blockSizeBytes, string what)
    {
        var candidates = nodes
            .Where(n => n.State == DatanodeLiveness.Live && !excluded.Contains(n.Uuid) && n.HasRoomFor(blockSizeBytes))
            .Select(n => (Node: n, Tiebreak: random.Next()))
            .OrderBy(c => c.Node.BlocksScheduled)
            .ThenBy(c => c.Node.Load.TransfersInProgress)
            .ThenByDescending(c => c.Node.RemainingAfterScheduled(blockSizeBytes))
            .ThenBy(c => c.Tiebreak)
            .Select(c => c.Node)
            .ToList();
        if (candidates.Count == 0)
        {
            throw NoTargets(nodes, excluded, blockSizeBytes, what);
        }
        var chosen = new List<DatanodeSnapshot>(replication);
        while (chosen.Count < replication && candidates.Count > 0)
        {
            var next = Preferred(chosen, candidates, clientHost) ?? candidates[0];
            chosen.Add(next);
            candidates.Remove(next);
        }
        return chosen;
    }

    private static DatanodeSnapshot? Preferred(List<DatanodeSnapshot> chosen, List<DatanodeSnapshot> candidates, string? clientHost) => chosen.Count switch
    {
        0 => string.IsNullOrEmpty(clientHost) ? null : candidates.Find(n => string.Equals(n.Address.Host, clientHost, StringComparison.OrdinalIgnoreCase)),
        1 => candidates.Find(n => n.Address.Location != chosen[0].Address.Location),
        2 when chosen[0].Address.Location == chosen[1].Address.Location =>
            candidates.Find(n => n.Address.Location != chosen[0].Address.Location),
        2 => candidates.Find(n => n.Address.Location == chosen[1].Address.Location),
        _ => null,
    };

    /// <summary>The live nodes the client did not exclude that have no room for a block: the reason a pipeline is short, or missing.</summary>
    public static IReadOnlyList<DatanodeSnapshot> WithoutRoom(IReadOnlyCollection<DatanodeSnapshot> nodes, IReadOnlySet<string> excluded, long blockSizeBytes) =>
        [.. nodes.Where(n => n.State == DatanodeLiveness.Live && !excluded.Contains(n.Uuid) && !n.HasRoomFor(blockSizeBytes)).OrderBy(n => n.Uuid, StringComparer.Ordinal)];

    /// <summary>"dn0 (0 bytes free, 1 blocks being written), dn1 (...)".</summary>
    public static string DescribeSpace(IEnumerable<DatanodeSnapshot> nodes) => string.Join(", ", nodes.Select(n => n.DescribeSpace()));

    private static CkptFsException NoTargets(IReadOnlyCollection<DatanodeSnapshot> nodes, IReadOnlySet<string> excluded, long blockSizeBytes, string what)
    {
        var live = nodes.Count(n => n.State == DatanodeLiveness.Live);
        var stale = nodes.Count(n => n.State == DatanodeLiveness.Stale);
        var maintenance = nodes.Count(n => n.State == DatanodeLiveness.InMaintenance);
        var full = WithoutRoom(nodes, excluded, blockSizeBytes);
        var excludedLive = nodes.Count(n => n.State == DatanodeLiveness.Live && excluded.Contains(n.Uuid));
        if (full.Count > 0)
        {
            // Every node the client may use is live and full: the cluster is full, not down.
            var free = full.Sum(n => n.Load.RemainingBytes);
            var others = excludedLive > 0 ? $"; {excludedLive} other live ones excluded by the client" : "";
            return new CkptFsException(ErrorCode.DiskFull,
                $"Cannot place {what}: the cluster is full. A block needs {blockSizeBytes} bytes free on a DataNode, and no DataNode has that room " +
                $"({free} bytes free in all on {full.Count} live DataNodes: {DescribeSpace(full)}{others}). " +
                "Free space (delete files), or add disks or DataNodes.");
        }

        return new CkptFsException(ErrorCode.NotEnoughDataNodes,
            $"Cannot place {what}: no DataNode can take it ({live} live, {stale} stale, {maintenance} in maintenance, {nodes.Count} registered; " +
            $"{excludedLive} live ones excluded by the client).");
    }
}
