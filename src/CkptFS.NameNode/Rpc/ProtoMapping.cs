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
                break;
            case DirectoryInode directory:
                status.Type = FileType.Directory;
                status.ChildrenCount = (uint)directory.Children.Count;
                break;
        }
        return status;
    }

    public static GetContentSummaryResponse ToProto(this ContentSummary summary) => new()
    {
        Length = (ulong)summary.Length,
        FileCount = (ulong)summary.FileCount,
        DirectoryCount = (ulong)summary.DirectoryCount,
        SpaceConsumed = (ulong)summary.SpaceConsumed,
    };
}
