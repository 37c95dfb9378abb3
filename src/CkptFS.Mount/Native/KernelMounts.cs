using System.Globalization;
using System.Runtime.InteropServices;

namespace CkptFS.Mount.Native;

/// <summary>
/// The kernel's view of mounts (/proc/self/mountinfo) and of FUSE connections (/sys/fs/fuse,
/// /sys/class/bdi): which device a mountpoint is, its read-ahead, and the connection's abort switch.
/// </summary>
public static partial class KernelMounts
{
    /// <summary>Where the FUSE control file system (fusectl) belongs; systemd mounts it, a bare machine or container may not.</summary>
    private const string ConnectionsFolder = "/sys/fs/fuse/connections";

    /// <summary>The type /proc/mounts shows for a CkptFS mount (alive, or with its process dead).</summary>
    public const string FileSystemType = "fuse.ckptfs";

    /// <summary>One mountinfo line: the mount's device (major:minor), mountpoint and file system type.</summary>
    public sealed record Entry(int Major, int Minor, string Mountpoint, string Type, string Source);

    public static IReadOnlyList<Entry> Read() => Parse(File.ReadLines("/proc/self/mountinfo"));

    /// <summary>Entries of mountinfo lines (malformed lines are skipped).</summary>
    internal static IReadOnlyList<Entry> Parse(IEnumerable<string> lines)
    {
        var entries = new List<Entry>();
        foreach (var line in lines)
        {
            // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }
            var device = fields[2].Split(':');
            entries.Add(new Entry(
                int.Parse(device[0], CultureInfo.InvariantCulture),
                int.Parse(device[1], CultureInfo.InvariantCulture),
                Unescape(fields[4]),
                fields[separator + 1],
                Unescape(fields[separator + 2])));
        }
        return entries;
    }

    /// <summary>The topmost mount at <paramref name="mountpoint"/> (an absolute path), or null.</summary>
    public static Entry? At(string mountpoint)
    {
        var path = Path.GetFullPath(mountpoint).TrimEnd('/');
        if (path.Length == 0)
        {
            path = "/";
        }
        return Read().LastOrDefault(e => e.Mountpoint == path);
    }

    /// <summary>True when a CkptFS (fuse.ckptfs) mount is at <paramref name="mountpoint"/>.</summary>
    public static bool IsCkptFs(string mountpoint) => At(mountpoint) is { Type: FileSystemType };

    /// <summary>Sets the read-ahead of a mount's backing device (root only; false if the kernel refused).</summary>
    public static bool TrySetReadAhead(Entry mount, int kib)
    {
        try
        {
            File.WriteAllText($"/sys/class/bdi/{mount.Major}:{mount.Minor}/read_ahead_kb", kib.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends a FUSE connection at once (its calls fail with ENOTCONN), as writing to
    /// /sys/fs/fuse/connections/N/abort does; N is the mount's minor device number. Root only.
    /// </summary>
    public static bool TryAbort(Entry mount)
    {
        try
        {
            EnsureControlFileSystem();
            File.WriteAllText($"{ConnectionsFolder}/{mount.Minor}/abort", "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Mounts fusectl at /sys/fs/fuse/connections when nothing is mounted there (as systemd's
    /// sys-fs-fuse-connections.mount does); without it no connection can be aborted. Best effort:
    /// a read-only /sys or a missing privilege leaves the abort to fail and be reported.
    /// </summary>
    private static void EnsureControlFileSystem()
    {
        if (Directory.Exists(ConnectionsFolder) && !Read().Any(e => e.Mountpoint == ConnectionsFolder))
        {
            _ = MountSystemCall("fusectl", ConnectionsFolder, "fusectl", 0, IntPtr.Zero);
        }
    }

    [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MountSystemCall(string source, string target, string type, ulong flags, IntPtr data);

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo (octal bytes of the UTF-8 name).</summary>
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
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
