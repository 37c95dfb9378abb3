using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Rpc;

/// <summary>Core results to wire messages; the only place that knows both shapes.</summary>
internal static class ProtoMapping
{
    public static FileStatus ToProto(this NamespaceEntry entry)
    {
        var inode = entry.Inode;
        var status = new FileStatus
        {
            Path = entry.Path.Value,
            InodeId = inode.Id.Value,
            ModificationTimeMs = inode.ModificationTimeMs,
            AccessTimeMs = inode.AccessTimeMs,
            Owner = inode.Owner,
            Group = inode.Group,
            Permission = inode.Permission,
        };
        switch (inode)
        {
            case FileInode file:
                status.Type = FileType.File;
                status.Length = (ulong)file.Length;
                status.Replication = (uint)file.Replication;
                status.BlockSize = (ulong)file.BlockSize;
                status.UnderConstruction = file.IsUnderConstruction;
                status.LeaseHolder = file.LeaseHolder;
                status.BlockCount = (uint)file.Blocks.Length;
                break;
            case DirectoryInode directory:
                status.Type = FileType.Directory;
                status.ChildrenCount = (uint)directory.Children.Count;
                if (directory.Quota.IsSet)
                {
                    var usage = directory.Usage;
                    status.Quota = new DirectoryQuotaStatus
                    {
                        NamespaceQuota = (ulong)directory.Quota.NamespaceLimit,
                        NamespaceUsed = (ulong)usage.Namespace,
                        SpaceQuota = (ulong)directory.Quota.SpaceLimit,
                        SpaceQuotaUsed = (ulong)usage.SpaceCharged,
                    };
                }
                break;
        }
        return status;
    }

    public static ExtendedBlock ToProto(this FileBlock block) => new()
    {
        BlockId = block.Id.Value,
        GenerationStamp = block.GenerationStamp.Value,
        NumBytes = (ulong)block.NumBytes,
    };

    /// <summary>An absent message (a first block, an empty file) is null.</summary>
    public static FileBlock? ToFileBlock(this ExtendedBlock? block) =>
        block is null ? null : new FileBlock(new BlockId(block.BlockId), new GenerationStamp(block.GenerationStamp), checked((long)block.NumBytes));

    public static ReportedReplica ToReported(this ReplicaReport report) => new(
        new BlockId(report.Block.BlockId), new GenerationStamp(report.Block.GenerationStamp), checked((long)report.Block.NumBytes),
        report.State == ReplicaState.Rbw ? ReplicaKind.BeingWritten : ReplicaKind.Finalized);

    public static DatanodeId ToProto(this DatanodeAddress address) => new()
    {
        DatanodeUuid = address.Uuid,
        Host = address.Host,
        TransferPort = (uint)address.TransferPort,
        HttpPort = (uint)address.HttpPort,
        RpcPort = (uint)address.RpcPort,
        Location = address.Location,
        TransferTls = address.TransferTls,
    };

    public static DatanodeAddress ToAddress(this DatanodeId id) => new(
        id.DatanodeUuid, id.Host, (int)id.TransferPort, (int)id.HttpPort, (int)id.RpcPort,
        string.IsNullOrEmpty(id.Location) ? DatanodeAddress.DefaultLocation : id.Location, id.TransferTls);

    public static DatanodeInfo ToProto(this DatanodeSnapshot node, int blockCount) => new()
    {
        Id = node.Address.ToProto(),
        State = node.State switch
        {
            DatanodeLiveness.Live => DatanodeState.Live,
            DatanodeLiveness.Stale => DatanodeState.Stale,
            DatanodeLiveness.InMaintenance => DatanodeState.InMaintenance,
            _ => DatanodeState.Dead,
        },
        CapacityBytes = (ulong)node.Load.CapacityBytes,
        UsedBytes = (ulong)node.Load.UsedBytes,
        RemainingBytes = (ulong)node.Load.RemainingBytes,
        BlockCount = (ulong)blockCount,
        TransfersInProgress = (uint)node.Load.TransfersInProgress,
        LastHeartbeatMs = node.LastHeartbeat.ToUnixTimeMilliseconds(),
        RegisteredMs = node.Registered.ToUnixTimeMilliseconds(),
    };

    public static FsckResponse ToProto(this FsckReport report)
    {
        var response = new FsckResponse
        {
            Files = (ulong)report.Files,
            Directories = (ulong)report.Directories,
            TotalBytes = (ulong)report.TotalBytes,
            Blocks = (ulong)report.Blocks,
            HealthyBlocks = (ulong)report.HealthyBlocks,
            UnderReplicatedBlocks = (ulong)report.UnderReplicatedBlocks,
            MissingBlocks = (ulong)report.MissingBlocks,
            CorruptBlocks = (ulong)report.CorruptBlocks,
            OpenFiles = (ulong)report.OpenFiles,
            Healthy = report.Healthy,
        };
        foreach (var block in report.ListedBlocks)
        {
            var listed = new Protocol.V1.FsckBlock
            {
                Path = block.Path.Value,
                Block = block.Block.ToProto(),
                ExpectedReplicas = (uint)block.ExpectedReplicas,
                LiveReplicas = (uint)block.Live.Count,
                CorruptReplicas = (uint)block.Corrupt.Count,
            };
            listed.Locations.AddRange(block.Live.Select(n => n.Address.ToProto()));
            listed.CorruptLocations.AddRange(block.Corrupt.Select(n => n.Address.ToProto()));
            response.ProblemBlocks.Add(listed);
        }
        return response;
    }

    public static GetContentSummaryResponse ToProto(this ContentSummary summary) => new()
    {
        Length = (ulong)summary.Length,
        FileCount = (ulong)summary.FileCount,
        DirectoryCount = (ulong)summary.DirectoryCount,
        SpaceConsumed = (ulong)summary.SpaceConsumed,
        NamespaceQuota = (ulong)summary.Quota.NamespaceLimit,
        SpaceQuota = (ulong)summary.Quota.SpaceLimit,
        SpaceQuotaConsumed = (ulong)summary.SpaceCharged,
    };
}
