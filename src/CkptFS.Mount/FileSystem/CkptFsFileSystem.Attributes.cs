namespace CkptFS.Mount.FileSystem;

// TEMPORARY until the NameNode's SetTimes/SetPermission/SetOwner land.
public sealed partial class CkptFsFileSystem
{
    public int Chmod(string path, uint mode, ulong fh) => -Errno.ENOSYS;

    public int Chown(string path, uint uid, uint gid, ulong fh) => -Errno.ENOSYS;

    public int Utimens(string path, DateTimeOffset? accessTime, DateTimeOffset? modificationTime, ulong fh) => 0;
}
