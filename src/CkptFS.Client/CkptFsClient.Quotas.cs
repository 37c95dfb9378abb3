using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>
/// Directory quotas (HDFS setQuota, setSpaceQuota, clrQuota, clrSpaceQuota). A call that would
/// exceed one fails with <see cref="Common.ErrorCode.QuotaExceeded"/>, naming the directory and its limit.
/// </summary>
public sealed partial class CkptFsClient
{
    /// <summary>
    /// Sets the limits given (files + directories below <paramref name="path"/>, itself included;
    /// bytes × replication); a null limit is left as it is. Idempotent.
    /// </summary>
    public async Task<FileStatus> SetQuotaAsync(string path, long? namespaceQuota, long? spaceQuota, CancellationToken cancellationToken = default)
    {
        if (namespaceQuota is <= 0 || spaceQuota is <= 0)
        {
            throw new ArgumentOutOfRangeException(namespaceQuota is <= 0 ? nameof(namespaceQuota) : nameof(spaceQuota), "A quota must be positive; use ClearQuotaAsync to remove one.");
        }
        return await SendSetQuotaAsync(path, (ulong?)namespaceQuota, (ulong?)spaceQuota, cancellationToken);
    }

    /// <summary>Removes the namespace quota, the space quota, or both, of <paramref name="path"/>.</summary>
    public Task<FileStatus> ClearQuotaAsync(string path, bool namespaceQuota = true, bool spaceQuota = true, CancellationToken cancellationToken = default) =>
        SendSetQuotaAsync(path, namespaceQuota ? 0 : null, spaceQuota ? 0 : null, cancellationToken);

    /// <summary>Usage against quota (the quota fields of the content summary; 0 means no limit).</summary>
    public Task<GetContentSummaryResponse> GetQuotaAsync(string path, CancellationToken cancellationToken = default) =>
        GetContentSummaryAsync(path, cancellationToken);

    private async Task<FileStatus> SendSetQuotaAsync(string path, ulong? namespaceQuota, ulong? spaceQuota, CancellationToken cancellationToken)
    {
        var request = new SetQuotaRequest { Path = path };
        if (namespaceQuota is { } files)
        {
            request.NamespaceQuota = files;
        }
        if (spaceQuota is { } space)
        {
            request.SpaceQuota = space;
        }
        return (await CallAsync(options => _namenode.SetQuotaAsync(request, options), cancellationToken)).Status;
    }
}
