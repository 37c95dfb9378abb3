using System.Text;

namespace CkptFS.Cli.Mounts;

/// <summary>What the kernel has mounted, from /proc/self/mountinfo: is a folder a CkptFS FUSE mount.</summary>
public static class MountTable
{
    public const string FileSystemType = "fuse.ckptfs";

    /// <summary>True when <paramref name="mountpoint"/> is mounted as a CkptFS file system (alive or with its process dead).</summary>
    public static bool IsCkptFsMount(string mountpoint) => Find(mountpoint) == FileSystemType;

    /// <summary>The file system type mounted at <paramref name="mountpoint"/>, or null when nothing is.</summary>
    public static string? Find(string mountpoint)
    {
        var wanted = Path.GetFullPath(mountpoint).TrimEnd('/');
        if (wanted.Length == 0)
        {
            wanted = "/";
        }
        string? found = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER"
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 0 && separator + 1 < fields.Length && Unescape(fields[4]) == wanted)
            {
                found = fields[separator + 1];   // the last one mounted there is what a path lookup reaches
            }
        }
        return found;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
