using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using CkptFS.Cli.Cluster;
using CkptFS.Cli.Mounts;
using CkptFS.Common;
using CkptFS.Common.Logging;
using CkptFS.Mount;
using CkptFS.Mount.FileSystem;
using CkptFS.Mount.Native;
using Microsoft.Extensions.Logging;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs mount MOUNTPOINT [--root DIR] [--read-only] [-o allow_other] [-f]`: CkptFS as a folder
/// for programs that only know paths (PyTorch's torch.save). In the background by default: this
/// returns once the mount answers, and the serving process logs to a file named in the output.
/// With -f it serves in the foreground (containers, systemd) until SIGTERM/SIGINT, which complete
/// the files still open for write (bounded wait) and unmount.
/// </summary>
internal static class MountCommand
{
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a call through the mount waits for an unreachable NameNode before it fails with EIO
    /// (unless --namenode-wait or CKPTFS_NAMENODE_WAIT says otherwise): long enough for a restart and
    /// its safe mode, short enough that no program sits in the kernel for minutes.
    /// </summary>
    private static readonly TimeSpan MountNameNodeWait = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var mountpoint = new Argument<string>("mountpoint") { Description = "An empty local folder to mount CkptFS on." };
        var root = new Option<string>("--root") { Description = "The CkptFS folder to show at the mountpoint (default /).", DefaultValueFactory = _ => "/" };
        var readOnly = new Option<bool>("--read-only") { Description = "Refuse every change (EROFS)." };
        var mountOptions = new Option<string[]>("-o") { Description = "Mount options, comma-separated: allow_other (other users may use the mount), ro.", AllowMultipleArgumentsPerToken = false };
        var foreground = new Option<bool>("-f", "--foreground") { Description = "Serve in the foreground until SIGTERM/SIGINT (for containers and systemd)." };
        var command = new Command("mount", "Mount CkptFS on a local folder (FUSE), for programs that read and write paths.")
        {
            mountpoint, root, readOnly, mountOptions, foreground,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var folder = Path.GetFullPath(result.GetRequiredValue(mountpoint));
            var extra = (result.GetValue(mountOptions) ?? []).SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (extra.FirstOrDefault(o => o is not ("allow_other" or "ro" or "rw")) is { } unknown)
            {
                throw new ArgumentException($"Unknown mount option '{unknown}' (known: allow_other, ro).");
            }
            var options = new MountOptions
            {
                Mountpoint = folder,
                Root = FsPath.Parse(result.GetRequiredValue(root)).Value,
                ReadOnly = result.GetValue(readOnly) || extra.Contains("ro"),
                AllowOther = extra.Contains("allow_other"),
            };
            if (result.GetValue(foreground))
            {
                return Serve(result, folder, options);
            }
            return await StartInBackgroundAsync(result, folder, cancellationToken);
        });
        return command;
    }

    private static int Serve(ParseResult result, string folder, MountOptions options)
    {
        using var logging = LogSetup.CreateFactory();
        var logger = logging.CreateLogger("CkptFS.Mount");
        using var client = CliOptions.CreateClient(result, logging, MountNameNodeWait);
        var fileSystem = new CkptFsFileSystem(client, options, logger);
        var hostOptions = new FuseHostOptions
        {
            AllowOther = options.AllowOther,
            ReadOnly = options.ReadOnly,
            FsName = $"ckptfs:{client.Options.NameNodeAddress}{(options.Root == "/" ? string.Empty : options.Root)}",
            MaxThreads = options.MaxThreads,
            AttributeTimeout = options.AttributeTimeout,
            EntryTimeout = options.AttributeTimeout,
            ReadAheadKiB = options.ReadAheadKiB,
        };
        FuseHost host;
        try
        {
            host = FuseHost.Mount(fileSystem, folder, hostOptions, logger);
        }
        catch (MountException e)
        {
            Console.Error.WriteLine($"ckptfs: {e.Message}");
            return 1;
        }
        using (host)
        {
            var stopping = 0;
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                if (Interlocked.Exchange(ref stopping, 1) == 1)
                {
                    return;
                }
                logger.LogInformation("{Signal}: completing open files, then unmounting {Mountpoint}.", context.Signal, folder);
                _ = Task.Run(() =>
                {
                    fileSystem.CloseAllWriters(options.CloseWait);
                    host.RequestUnmount();
                });
            }
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            Console.WriteLine($"Mounted ckptfs://{client.Options.NameNodeAddress}{options.Root} at {folder} (pid {Environment.ProcessId}{(options.ReadOnly ? ", read-only" : string.Empty)}).");
            var status = host.Run();
            var unfinished = fileSystem.CloseAllWriters(options.CloseWait);
            logger.LogInformation("Unmounted {Mountpoint}{Unfinished}.", folder, unfinished > 0 ? $" ({unfinished} file(s) left to lease recovery)" : string.Empty);
            return status == 0 ? 0 : 1;
        }
    }

    private static async Task<int> StartInBackgroundAsync(ParseResult result, string folder, CancellationToken cancellationToken)
    {
        var state = MountState.For(folder);
        if (KernelMounts.IsCkptFs(folder))
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"{folder} is already a CkptFS mount (unmount it first: 'ckptfs unmount {folder}').");
        }
        var arguments = new List<string> { "mount", folder, "--foreground" };
        foreach (var token in result.Tokens.Select(t => t.Value).SkipWhile(t => t != "mount").Skip(1))
        {
            if (token is not ("-f" or "--foreground") && Path.GetFullPath(token) != folder)
            {
                arguments.Add(token);
            }
        }
        if (result.GetValue(CliOptions.NameNode) is { Length: > 0 } address && !arguments.Contains("--namenode"))
        {
            arguments.Add("--namenode");
            arguments.Add(address);
        }
        if (result.GetValue(CliOptions.TlsCa) is { Length: > 0 } caFile && !arguments.Contains("--tls-ca"))
        {
            arguments.Add("--tls-ca");
            arguments.Add(Path.GetFullPath(caFile));
        }
        var pid = DetachedProcess.Start(arguments, state.LogFile);
        state.WritePid(pid);
        var stopwatch = Stopwatch.StartNew();
        while (!KernelMounts.IsCkptFs(folder))
        {
            if (!DetachedProcess.IsRunning(pid) || stopwatch.Elapsed > ReadyWait)
            {
                state.Clear();
                var tail = File.Exists(state.LogFile) ? string.Join('\n', (await File.ReadAllLinesAsync(state.LogFile, cancellationToken)).TakeLast(10)) : string.Empty;
                await DetachedProcess.StopAsync(pid, TimeSpan.FromSeconds(5));
                throw new CkptFsException(ErrorCode.Unavailable,
                    $"The mount of {folder} did not come up{(stopwatch.Elapsed > ReadyWait ? $" within {ReadyWait.TotalSeconds:0} s" : string.Empty)}. Last lines of {state.LogFile}:\n{tail}");
            }
            await Task.Delay(50, cancellationToken);
        }
        Console.WriteLine($"Mounted CkptFS at {folder} (pid {pid}; log {state.LogFile}). Unmount with 'ckptfs unmount {folder}'.");
        return 0;
    }
}
