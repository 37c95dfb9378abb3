namespace CkptFS.Cli.Cluster;

/// <summary>
/// The process serving a member of a local cluster now. Usually the PID `cluster start` recorded;
/// after a restart by hand (`ckptfs namenode --data DIR/namenode ...`) a new PID, found as the
/// ckptfs process whose --data names the member's folder (a folder serves one process: RocksDB and
/// the DataNode's lock make sure of it). So `cluster status` sees it running and `cluster stop` stops it.
/// </summary>
public static class ClusterProcessFinder
{
    public static int? FindPid(ClusterProcess member)
    {
        if (DetachedProcess.IsAlive(member.Pid))
        {
            return member.Pid;
        }
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(member.DataDirectory));
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != Environment.ProcessId && DetachedProcess.IsAlive(pid)
                && DataFolder(pid) is { } data && data == folder)
            {
                return pid;
            }
        }
        return null;
    }

    /// <summary>The first folder of the process's --data (DIR or DIR1,DIR2), made absolute against its working directory.</summary>
    private static string? DataFolder(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var index = Array.IndexOf(arguments, "--data");
            var value = index >= 0 && index + 1 < arguments.Length
                ? arguments[index + 1]
                : arguments.FirstOrDefault(a => a.StartsWith("--data=", StringComparison.Ordinal))?["--data=".Length..];
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }
            var first = value.Split(',')[0];
            var workingDirectory = new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName ?? "/";
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(first, workingDirectory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // gone meanwhile, or another user's
        }
    }
}
