using CkptFS.Protocol.V1;

namespace CkptFS.Client;

public sealed partial class CkptFsClient
{
    /// <summary>
    /// Sets the modification and/or access time of a file or directory (HDFS setTimes; utimens).
    /// A null time is left as it is (both null only checks that the path exists). Times are kept in
    /// milliseconds: finer precision is truncated. Reads never update the access time. The call is
    /// idempotent and retried like reads while the NameNode is unreachable or in safe mode.
    /// </summary>
    public async Task SetTimesAsync(string path, DateTimeOffset? modificationTime, DateTimeOffset? accessTime, CancellationToken cancellationToken = default)
    {
        var request = new SetTimesRequest { Path = path };
        if (modificationTime is { } modified)
        {
            request.ModificationTimeMs = modified.ToUnixTimeMilliseconds();
        }
        if (accessTime is { } accessed)
        {
            request.AccessTimeMs = accessed.ToUnixTimeMilliseconds();
        }
        await CallAsync(options => _namenode.SetTimesAsync(request, options), cancellationToken);
    }

    /// <summary>
    /// Sets the mode bits of a file or directory (HDFS setPermission; chmod): the 12 low bits,
    /// e.g. 0b111_101_101 for 0755; more than 07777 fails with InvalidArgument. Idempotent, retried.
    /// </summary>
    public async Task SetPermissionAsync(string path, uint permission, CancellationToken cancellationToken = default) =>
        await CallAsync(options => _namenode.SetPermissionAsync(new SetPermissionRequest { Path = path, Permission = permission }, options), cancellationToken);

    /// <summary>
    /// Sets the owner and/or group of a file or directory (HDFS setOwner; chown). A null one is left
    /// as it is; at least one must be given (else InvalidArgument). Idempotent, retried.
    /// </summary>
    public async Task SetOwnerAsync(string path, string? owner, string? group, CancellationToken cancellationToken = default)
    {
        var request = new SetOwnerRequest { Path = path };
        if (owner is not null)
        {
            request.Owner = owner;
        }
        if (group is not null)
        {
            request.Group = group;
        }
        await CallAsync(options => _namenode.SetOwnerAsync(request, options), cancellationToken);
    }
}
