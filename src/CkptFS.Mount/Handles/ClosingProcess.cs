using System.Globalization;

namespace CkptFS.Mount.Handles;

/// <summary>
/// Tells a program's close(2) from its death. When a process is killed (kill -9, OOM killer, a
/// crash), the kernel closes its files on the way out and the mount sees the same flush as an
/// orderly close; completing the file then would publish a half-written file (or shard) as if it
/// were whole. During exit the kernel has set PF_EXITING in the task's flags and its exit code
/// (fields 9 and 52 of /proc/TID/stat); a signal in the exit code's low 7 bits means the process
/// was killed, and its file is abandoned instead: it stays open until lease recovery closes it at
/// what the replicas hold, and a shard gets no shard record, so no checkpoint commits it.
/// </summary>
internal static class ClosingProcess
{
    private const ulong PfExiting = 0x4;

    /// <summary>True when the thread <paramref name="threadId"/> is exiting because of a signal.</summary>
    public static bool WasKilled(int threadId)
    {
        if (threadId <= 0)
        {
            return false;
        }
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{threadId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return false;   // gone already: it closed its files first, an orderly exit
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        return Parse(stat) is { } parsed && (parsed.Flags & PfExiting) != 0 && (parsed.ExitCode & 0x7f) != 0;
    }

    /// <summary>Flags (field 9) and exit code (field 52) of a /proc/PID/stat line; the name in (...) may hold spaces.</summary>
    internal static (ulong Flags, int ExitCode)? Parse(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        // Fields after the name start at field 3 (state).
        var fields = stat[(close + 2)..].TrimEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries);   // the file ends in a newline
        if (fields.Length < 50 ||
            !ulong.TryParse(fields[9 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var flags) ||
            !int.TryParse(fields[52 - 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exitCode))
        {
            return null;
        }
        return (flags, exitCode);
    }

    /// <summary>
    /// True when the process of <paramref name="threadId"/> still has <paramref name="mountedPath"/>
    /// open by another descriptor. close(2) of one of several descriptors of a file (a shell's
    /// `cmd > file` dups the file to stdout and closes the first) reaches the mount as a flush
    /// like the last one; by then the closed descriptor has left the process's table, so what
    /// /proc/TID/fd still lists is what stays open.
    /// </summary>
    public static bool HoldsOtherDescriptor(int threadId, string mountedPath)
    {
        if (threadId <= 0)
        {
            return false;
        }
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{threadId.ToString(CultureInfo.InvariantCulture)}/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget == mountedPath)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone or not ours to read: nothing of it stays open.
        }
        return false;
    }
}
