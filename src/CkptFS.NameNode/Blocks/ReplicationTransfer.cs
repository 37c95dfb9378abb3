using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// One copy the monitor scheduled: <see cref="Source"/> streams its finalized replica of
/// <see cref="Block"/> to <see cref="Targets"/>[0], which forwards it down the rest.
/// </summary>
public sealed record ReplicationTransfer(FileBlock Block, string Source, IReadOnlyList<DatanodeAddress> Targets, DateTimeOffset ScheduledAt);
