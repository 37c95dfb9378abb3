using System.CommandLine;
using System.Diagnostics;
using CkptFS.Cli.Cluster;
using CkptFS.Cli.Mounts;
using CkptFS.Common;
using CkptFS.Mount.Native;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs unmount MOUNTPOINT [--lazy]`: unmounts a CkptFS mount (fusermount3 -u) and waits for its
/// process to finish. A mount whose process died ("Transport endpoint is not connected") is
/// cleared the same way. A busy mount (open files, a shell inside it) is refused unless --lazy,
/// which detaches it now and lets it go when the last user leaves.
/// </summary>
internal static class UnmountCommand
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(40);

    public static Command Create()
    {
        var mountpoint = new Argument<string>("mountpoint") { Description = "The folder CkptFS is mounted on." };
        var lazy = new Option<bool>("--lazy", "-z") { Description = "Detach now even if busy; the mount goes once nothing uses it." };
        var command = new Command("unmount", "Unmount a CkptFS mount (also clears one whose process died).") { mountpoint, lazy };
        command.Aliases.Add("umount");
        command.SetAction(async (result, cancellationToken) =>
        {
            var folder = Path.GetFullPath(result.GetRequiredValue(mountpoint));
            var state = MountState.For(folder);
            var pid = state.ReadPid();
            if (!KernelMounts.IsCkptFs(folder))
            {
                state.Clear();
                throw new CkptFsException(ErrorCode.FileNotFound, $"{folder} is not a CkptFS mount (see 'mount -t fuse.ckptfs').");
            }
            var unmount = await Fusermount.UnmountAsync(folder, result.GetValue(lazy), cancellationToken);
            if (!unmount.Succeeded)
            {
                throw new CkptFsException(unmount.Busy ? ErrorCode.LeaseHeldByOther : ErrorCode.Internal,
                    unmount.Busy ? $"Cannot unmount {folder}: it is busy (a file is open or a shell is inside it). Close them, or detach it now with 'ckptfs unmount --lazy {folder}'."
                                 : $"Cannot unmount {folder}: fusermount3 said: {unmount.Output}");
            }
            if (pid is { } serving && DetachedProcess.IsAlive(serving))
            {
                var stopwatch = Stopwatch.StartNew();
                while (DetachedProcess.IsAlive(serving) && stopwatch.Elapsed < ExitWait)
                {
                    await Task.Delay(50, cancellationToken);
                }
                if (DetachedProcess.IsAlive(serving))
                {
                    await Console.Error.WriteLineAsync($"ckptfs: the mount process {serving} is still finishing after {ExitWait.TotalSeconds:0} s; see {state.LogFile}.");
                }
            }
            state.Clear();
            Console.WriteLine($"Unmounted {folder}.");
            return 0;
        });
        return command;
    }
}
