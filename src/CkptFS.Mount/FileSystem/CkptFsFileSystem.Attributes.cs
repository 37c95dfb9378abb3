using CkptFS.Mount.Paths;

namespace CkptFS.Mount.FileSystem;

/// <summary>
/// chmod, chown and utimens: kept by the NameNode (SetPermission, SetOwner, SetTimes), as
/// HDFS keeps them. Owners and groups travel by name; a number this machine cannot name is EINVAL.
/// utimens of a file still being written applies to the entry as it stands; completing the file
/// later sets its modification time again (as close(2) of a written file does on any file system).
/// </summary>
public sealed partial class CkptFsFileSystem
{
    public int Chmod(string path, uint mode, ulong fh) => Run("chmod", path, () =>
    {
        RequireWritable("chmod", path);
        RequireNotLink("chmod", path);
        var remote = _paths.ToRemote(path);
        _client.SetPermissionAsync(remote, mode & 0xFFF).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    public int Chown(string path, uint uid, uint gid, ulong fh) => Run("chown", path, () =>
    {
        RequireWritable("chown", path);
        RequireNotLink("chown", path);
        var owner = uid == uint.MaxValue ? null
            : _users.UserName(uid) ?? throw new MountRefusal(Errno.EINVAL, $"user id {uid} has no name on this machine (CkptFS keeps owners by name)");
        var group = gid == uint.MaxValue ? null
            : _users.GroupName(gid) ?? throw new MountRefusal(Errno.EINVAL, $"group id {gid} has no name on this machine (CkptFS keeps groups by name)");
        if (owner is null && group is null)
        {
            return 0;
        }
        var remote = _paths.ToRemote(path);
        _client.SetOwnerAsync(remote, owner, group).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    public int Utimens(string path, DateTimeOffset? accessTime, DateTimeOffset? modificationTime, ulong fh) => Run("utimens", path, () =>
    {
        RequireWritable("utimens", path);
        if (accessTime is null && modificationTime is null)
        {
            return 0;
        }
        if (_paths.AsLatestLink(path) is not null && TryStatus(_paths.ToRemote(path)) is null)
        {
            return 0;   // `latest` is CkptFS's: its times follow the job's
        }
        var remote = _paths.ToRemote(path);
        _client.SetTimesAsync(remote, modificationTime, accessTime).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    private void RequireNotLink(string call, string path)
    {
        if (_paths.AsLatestLink(path) is not null && TryStatus(_paths.ToRemote(path)) is null)
        {
            throw new MountRefusal(Errno.EPERM, $"{call} of '{MountPaths.LatestLink}': CkptFS keeps this link");
        }
    }
}
