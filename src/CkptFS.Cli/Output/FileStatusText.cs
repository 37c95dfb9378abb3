using System.Globalization;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Output;

/// <summary>ls -l style lines: mode, replication, owner, group, size, mtime, path; then, for a directory with a quota, usage against it.</summary>
public static class FileStatusText
{
    public static string Line(FileStatus status)
    {
        var isDirectory = status.Type == FileType.Directory;
        var mode = (isDirectory ? "d" : "-") + Mode(status.Permission);
        var replication = isDirectory ? "-" : status.Replication.ToString(CultureInfo.InvariantCulture);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTimeMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var open = status.UnderConstruction ? $"  (being written by {status.LeaseHolder})" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{mode} {replication,3} {status.Owner,-10} {status.Group,-10} {status.Length,14} {time} {status.Path}{open}{Quota(status.Quota)}");
    }

    /// <summary>"  [quota: files 12 of 100, space 3 GiB of 10 TiB]", a limit not set as "no limit".</summary>
    private static string Quota(DirectoryQuotaStatus? quota) => quota is null
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture,
            $"  [quota: files {quota.NamespaceUsed} of {(quota.NamespaceQuota == 0 ? "no limit" : quota.NamespaceQuota.ToString(CultureInfo.InvariantCulture))}, " +
            $"space {ByteSize.Format(quota.SpaceQuotaUsed)} of {(quota.SpaceQuota == 0 ? "no limit" : ByteSize.Format(quota.SpaceQuota))}]");

    /// <summary>rwx triplets of the low 9 permission bits.</summary>
    public static string Mode(uint permission)
    {
        Span<char> text = stackalloc char[9];
        const string letters = "rwx";
        for (var i = 0; i < 9; i++)
        {
            text[i] = (permission & (1u << (8 - i))) != 0 ? letters[i % 3] : '-';
        }
        return new string(text);
    }
}
