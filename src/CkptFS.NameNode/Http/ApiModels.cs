using System.Text.Json.Serialization;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Http;

// The JSON of /api/v1 (README: Web UI). camelCase, numbers as numbers, sizes in bytes, times as
// ISO 8601 UTC with their Unix ms beside them. Field names follow `ckptfs report --json` and
// `ckptfs ckpt ls --json`, so a script can move between them: add fields, never rename.

/// <summary>GET /api/v1/overview. Capacity sums the DataNodes that are not dead (HDFS's configured capacity).</summary>
internal sealed record ApiOverview(
    bool SafeMode, long TotalBlocks, long MissingBlocks, long UnderReplicatedBlocks, long CorruptReplicas,
    long CapacityBytes, long UsedBytes, long RemainingBytes, ApiDatanodeCounts Datanodes,
    long Inodes, long Events, string RpcAddress, DateTime Started, DateTime Now);

internal sealed record ApiDatanodeCounts(int Live, int Stale, int Maintenance, int Dead);

/// <summary>One DataNode, as in `ckptfs report --json` (plus registeredMs and connected).</summary>
internal sealed record ApiDatanode(
    string Uuid, string Host, int TransferPort, int HttpPort, string Location, string State,
    long CapacityBytes, long UsedBytes, long RemainingBytes, int Blocks, int TransfersInProgress,
    long LastHeartbeatMs, long RegisteredMs, bool Connected)
{
    public static ApiDatanode Of(DatanodeSnapshot node, int blocks) => new(
        node.Uuid, node.Address.Host, node.Address.TransferPort, node.Address.HttpPort, node.Address.Location, StateName(node.State),
        node.Load.CapacityBytes, node.Load.UsedBytes, node.Load.RemainingBytes, blocks, node.Load.TransfersInProgress,
        node.LastHeartbeat.ToUnixTimeMilliseconds(), node.Registered.ToUnixTimeMilliseconds(), node.Connected);

    /// <summary>The words of `ckptfs report`.</summary>
    public static string StateName(DatanodeLiveness state) => state switch
    {
        DatanodeLiveness.Live => "live",
        DatanodeLiveness.Stale => "stale",
        DatanodeLiveness.InMaintenance => "maintenance",
        _ => "dead",
    };
}

internal sealed record ApiDatanodes(IReadOnlyList<ApiDatanode> Datanodes);

/// <summary>A file or directory as a listing shows it; permission in octal ("755").</summary>
internal sealed record ApiEntry(
    string Name, string Path, string Type, long Length, int Replication, long BlockSize, int Blocks,
    long ModificationTimeMs, string Owner, string Group, string Permission, bool UnderConstruction)
{
    public static ApiEntry Of(NamespaceEntry entry) => entry.Inode switch
    {
        FileInode file => new(file.Name, entry.Path.Value, "file", file.Length, file.Replication, file.BlockSize, file.Blocks.Length,
            file.ModificationTimeMs, file.Owner, file.Group, Octal(file.Permission), file.IsUnderConstruction),
        var inode => new(inode.Name, entry.Path.Value, "directory", 0, 0, 0, 0,
            inode.ModificationTimeMs, inode.Owner, inode.Group, Octal(inode.Permission), false),
    };

    private static string Octal(ushort permission) => Convert.ToString(permission, 8);
}

/// <summary>GET /api/v1/listing: one page of a directory (a file lists itself); remaining = entries after this page.</summary>
internal sealed record ApiListing(string Path, IReadOnlyList<ApiEntry> Entries, int Remaining);

/// <summary>GET /api/v1/file: a file and every block with its replicas, as `ckptfs stat --json` (live replicas; the pipeline's while none is reported).</summary>
internal sealed record ApiFile(ApiEntry File, IReadOnlyList<ApiBlock> Blocks);

internal sealed record ApiBlock(ulong BlockId, ulong GenerationStamp, long Offset, long Length, bool Corrupt, IReadOnlyList<ApiReplica> Locations)
{
    public static ApiBlock Of(LocatedFileBlock block) => new(block.Block.Id.Value, block.Block.GenerationStamp.Value, block.Offset, block.Block.NumBytes, block.Corrupt,
        [.. block.Locations.Select(l => new ApiReplica(l.Uuid, l.Address.Host, l.Address.TransferPort, l.Address.HttpPort, l.Address.Location, ApiDatanode.StateName(l.State)))]);
}

internal sealed record ApiReplica(string Uuid, string Host, int TransferPort, int HttpPort, string Location, string State);

/// <summary>GET /api/v1/checkpoints: every job the checkpoint catalog knows.</summary>
internal sealed record ApiJobs(IReadOnlyList<ApiJobSummary> Jobs);

internal sealed record ApiJobSummary(string Job, ulong? LatestStep, int Committed, ApiRetention Retention);

internal sealed record ApiRetention(int KeepLast, int KeepEvery, string Description)
{
    public static ApiRetention Of(CheckpointRetention retention) => new(retention.KeepLast, retention.KeepEvery, retention.ToString());
}

/// <summary>GET /api/v1/checkpoints/job: what `ckptfs ckpt ls JOB --json` prints, plus each step's save times and the interval advice.</summary>
internal sealed record ApiJob(string Job, ulong? LatestStep, ApiRetention Retention, IReadOnlyList<ApiCheckpoint> Checkpoints, ApiAdvice Advice);

internal sealed record ApiCheckpoint(
    ulong Step, string State, bool Latest, string Path, int Shards, long Bytes, DateTime? Committed, long CommittedMs,
    long BlockingSaveMs, long TotalSaveMs, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem)
{
    public static ApiCheckpoint Of(CheckpointView view) => new(
        view.Step, StateName(view.State), view.Latest, view.Path.Value, view.ShardCount, view.TotalBytes,
        view.CommittedMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(view.CommittedMs).UtcDateTime : null, view.CommittedMs,
        view.BlockingSaveMs, view.TotalSaveMs, view.Problem.Length > 0 ? view.Problem : null);

    /// <summary>The words of `ckptfs ckpt ls --json`.</summary>
    public static string StateName(CheckpointState state) => state switch
    {
        CheckpointState.Committed => "committed",
        CheckpointState.Damaged => "damaged",
        CheckpointState.Pending => "pending",
        _ => "unknown",
    };
}

/// <summary>
/// `ckptfs ckpt advise JOB --mtbf M --restart R --json` for the job's recorded cost: Young's and
/// Daly's intervals and the expected waste at each and at the job's current interval. Null
/// intervals when the job has not recorded a save cost yet (costSeconds null).
/// </summary>
internal sealed record ApiAdvice(double? CostSeconds, double MtbfSeconds, double RestartSeconds, int Commits, ApiInterval? Young, ApiInterval? Daly, ApiInterval? Current)
{
    /// <summary>Recent commits the cost and current interval are taken from, as `ckpt advise` does (medians: one slow save does not skew them).</summary>
    public const int History = 20;

    public static ApiAdvice Of(IEnumerable<CheckpointView> checkpoints, TimeSpan mtbf, TimeSpan restart)
    {
        var committed = checkpoints.Where(c => c.State is CheckpointState.Committed or CheckpointState.Damaged)
            .OrderBy(c => c.CommittedMs).TakeLast(History).ToList();
        var cost = IntervalAdvice.MedianCost(committed.Select(c => c.BlockingSaveMs));
        var current = IntervalAdvice.MedianInterval(committed.Select(c => c.CommittedMs));
        ApiInterval? At(TimeSpan? interval) => cost is { } c && interval is { } i && i > TimeSpan.Zero
            ? new ApiInterval(i.TotalSeconds, IntervalAdvice.Waste(i, c, restart, mtbf))
            : null;
        return new ApiAdvice(cost?.TotalSeconds, mtbf.TotalSeconds, restart.TotalSeconds, committed.Count,
            At(cost is { } y ? IntervalAdvice.Young(y, mtbf) : null), At(cost is { } d ? IntervalAdvice.Daly(d, mtbf) : null), At(current));
    }
}

internal sealed record ApiInterval(double IntervalSeconds, double Waste);

/// <summary>GET /api/v1/events: the NameNode's recent events, newest first.</summary>
internal sealed record ApiEvents(long Total, int Capacity, IReadOnlyList<ApiEvent> Events);

internal sealed record ApiEvent(long Sequence, DateTime Time, long TimeMs, string Kind, string Subject, string Message)
{
    public static ApiEvent Of(NameNodeEvent e) => new(e.Sequence, e.Time.UtcDateTime, e.Time.ToUnixTimeMilliseconds(), KindName(e.Kind), e.Subject, e.Message);

    public static string KindName(NameNodeEventKind kind) => kind switch
    {
        NameNodeEventKind.DataNodeLost => "datanode-lost",
        NameNodeEventKind.ReReplicationDone => "re-replication-done",
        NameNodeEventKind.LeaseRecovered => "lease-recovered",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>An error: HTTP status 400 or 404 with the NameNode's message and its ErrorCode name.</summary>
internal sealed record ApiError(string Error, string Code);
