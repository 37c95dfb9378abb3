using System.Globalization;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Output;

/// <summary>ls -l style lines: mode, replication, owner, group, size, mtime, path.</summary>
public static class FileStatusText
{
    public static string Line(FileStatus status)
    {
        var isDirectory = status.Type == FileType.Directory;
        var mode = (isDirectory ? "d" : "-") + Mode(status.Permission);
        var replication = isDirectory ? "-" : status.Replication.ToString(CultureInfo.InvariantCulture);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTimeMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var open = status.UnderConstruction ? $"  (being written by {status.LeaseHolder})" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{mode} {replication,3} {status.Owner,-10} {status.Group,-10} {status.Length,14} {time} {status.Path}{open}");
    }

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
