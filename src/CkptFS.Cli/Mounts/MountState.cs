using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CkptFS.Cli.Mounts;

/// <summary>
/// Where a background mount keeps its PID and log: $CKPTFS_MOUNT_STATE_DIR, else
/// $XDG_RUNTIME_DIR/ckptfs, else /tmp/ckptfs-USER; one pair of files per mountpoint.
/// </summary>
public sealed class MountState
{
    public const string DirectoryVariable = "CKPTFS_MOUNT_STATE_DIR";

    private MountState(string mountpoint)
    {
        Mountpoint = mountpoint;
        var name = Path.GetFileName(mountpoint.TrimEnd('/'));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mountpoint)))[..8];
        var stem = Path.Combine(Folder(), $"mount-{(name.Length == 0 ? "root" : name)}-{hash}");
        LogFile = stem + ".log";
        PidFile = stem + ".pid";
    }

    public string Mountpoint { get; }

    public string LogFile { get; }

    public string PidFile { get; }

    public static MountState For(string mountpoint)
    {
        Directory.CreateDirectory(Folder());
        return new MountState(Path.GetFullPath(mountpoint).TrimEnd('/') is { Length: > 0 } full ? full : "/");
    }

    /// <summary>The recorded PID of the process serving the mount, or null.</summary>
    public int? ReadPid() =>
        File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    public void WritePid(int pid) => File.WriteAllText(PidFile, pid.ToString(CultureInfo.InvariantCulture) + "\n");

    public void Clear() => File.Delete(PidFile);

    private static string Folder()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            return configured;
        }
        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            return Path.Combine(runtime, "ckptfs");
        }
        return Path.Combine(Path.GetTempPath(), $"ckptfs-{Environment.UserName}");
    }
}
