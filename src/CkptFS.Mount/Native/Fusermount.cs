using System.ComponentModel;
using System.Diagnostics;

namespace CkptFS.Mount.Native;

/// <summary>
/// Unmounting through fusermount3 (fuse3's setuid helper): it works for root and for the user who
/// mounted, and clears a mount whose serving process died ("Transport endpoint is not connected").
/// </summary>
public static class Fusermount
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Outcome of one fusermount3 run: its exit code and what it printed.</summary>
    public sealed record Result(int ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;

        /// <summary>The mount is in use (an open file, a shell inside): only a lazy unmount detaches it now.</summary>
        public bool Busy => Output.Contains("busy", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>`fusermount3 -u [-z] MOUNTPOINT`, bounded by 30 s. Throws MountException when fusermount3 is missing.</summary>
    public static async Task<Result> UnmountAsync(string mountpoint, bool lazy, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("fusermount3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-u");
        if (lazy)
        {
            info.ArgumentList.Add("-z");
        }
        info.ArgumentList.Add(mountpoint);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new MountException("fusermount3 is not installed (Debian: apt-get install fuse3).", e);
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                return new Result(-1, $"fusermount3 did not finish within {Timeout.TotalSeconds:0} s");
            }
            return new Result(process.ExitCode, (await output + await error).Trim());
        }
    }
}
