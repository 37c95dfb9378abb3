using CkptFS.Mount.Native;
using CkptFS.Protocol.V1;

namespace CkptFS.Mount.FileSystem;

public sealed partial class CkptFsFileSystem
{
    private const uint TypeDirectory = 0x4000;   // S_IFDIR
    private const uint TypeFile = 0x8000;        // S_IFREG
    private const uint TypeLink = 0xA000;        // S_IFLNK
    private const int PreferredIoBytes = 1024 * 1024;
    private const ulong RootInode = 1;
    /// <summary>A job's `latest` link has no inode of its own: its number is the job's with the top bit set.</summary>
    private const ulong LinkInodeBit = 1UL << 63;

    /// <summary>struct stat of a CkptFS status: ids by name, times in milliseconds, size 512-byte blocks.</summary>
    private FuseAttributes ToAttributes(FileStatus status, long? lengthOverride = null)
    {
        var directory = status.Type == FileType.Directory;
        var permission = status.Permission != 0 ? status.Permission & 0x0FFF : directory ? 0x1EDu /* 0755 */ : 0x1A4u /* 0644 */;
        var size = directory ? 0 : lengthOverride ?? (long)status.Length;
        var modified = DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTimeMs);
        var accessed = status.AccessTimeMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(status.AccessTimeMs) : modified;
        return new FuseAttributes
        {
            Inode = status.InodeId,
            Mode = (directory ? TypeDirectory : TypeFile) | permission,
            LinkCount = directory ? 2u : 1u,
            Uid = _users.Uid(status.Owner),
            Gid = _users.Gid(status.Group),
            Size = size,
            BlockSize = PreferredIoBytes,
            Blocks = (size + 511) / 512,
            AccessTime = accessed,
            ModificationTime = modified,
            ChangeTime = modified,
        };
    }

    private static FuseAttributes LinkAttributes(string target, FileStatus job) => new()
    {
        Inode = job.InodeId | LinkInodeBit,
        Mode = TypeLink | 0x1FF,
        LinkCount = 1,
        Size = target.Length,
        BlockSize = PreferredIoBytes,
        AccessTime = DateTimeOffset.FromUnixTimeMilliseconds(job.ModificationTimeMs),
        ModificationTime = DateTimeOffset.FromUnixTimeMilliseconds(job.ModificationTimeMs),
        ChangeTime = DateTimeOffset.FromUnixTimeMilliseconds(job.ModificationTimeMs),
    };
}
