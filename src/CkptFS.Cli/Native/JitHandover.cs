using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;

namespace CkptFS.Cli.Native;

/// <summary>
/// Decides which commands the Native AOT build runs itself and hands the rest to the ReadyToRun build
/// by replacing this process (execvp): the same PID, arguments, environment, standard streams and
/// exit code, so a caller that waits for, signals or kills the process sees no difference.
/// </summary>
/// <remarks>
/// Native here: short metadata calls, where start-up is most of the wall time. Handed over:
/// the servers and mount (their assemblies are not in this build), cluster (it starts
/// `dotnet ckptfs.dll namenode ...` children), the data-path commands and bench (long-running, so
/// start-up is noise, and their throughput stays that of the tiered, PGO-optimised JIT the data-path
/// figures were measured with), root help and version, and any command line with a parse error (the
/// JIT build prints the same message; only the fast path matters for speed).
/// A new command therefore runs on the JIT build until it is added here.
/// </remarks>
internal static partial class JitHandover
{
    /// <summary>Set by the ./ckptfs wrapper: the ReadyToRun ckptfs.dll to hand over to.</summary>
    public const string JitDllEnvironmentVariable = "CKPTFS_CLI_JIT_DLL";

    private static readonly HashSet<string> NativeCommands = new(StringComparer.Ordinal)
    {
        "ls", "stat", "mkdir", "touch", "mv", "rm", "du", "report", "fsck", "recover-lease",
        "ckpt commit", "ckpt ls", "ckpt latest", "ckpt show", "ckpt rm", "ckpt retain", "ckpt gc", "ckpt advise",
    };

    /// <summary>Stand-ins for the commands whose code is not in this build; the parse must know their names.</summary>
    public static IEnumerable<Command> Placeholders()
    {
        foreach (var name in new[] { "namenode", "datanode", "mount", "unmount" })
        {
            var command = new Command(name) { TreatUnmatchedTokensAsErrors = false };
            if (name == "unmount")
            {
                command.Aliases.Add("umount");
            }
            yield return command;
        }
    }

    public static bool RunsNatively(ParseResult result) => result.Errors.Count == 0 && NativeCommands.Contains(CommandPath(result));

    /// <summary>Replaces this process with `dotnet ckptfs.dll args...`; returns only if that fails.</summary>
    public static int Exec(string[] args)
    {
        var dll = Environment.GetEnvironmentVariable(JitDllEnvironmentVariable);
        if (string.IsNullOrEmpty(dll) || !File.Exists(dll))
        {
            Console.Error.WriteLine($"ckptfs: this command runs on the ReadyToRun build; run it through the ./ckptfs wrapper (${JitDllEnvironmentVariable} names ckptfs.dll).");
            return 70;   // EX_SOFTWARE
        }
        var argv = new string?[args.Length + 3];
        argv[0] = "dotnet";
        argv[1] = dll;
        args.CopyTo(argv, 2);
        ExecVp("dotnet", argv);
        var errno = Marshal.GetLastPInvokeError();
        Console.Error.WriteLine($"ckptfs: could not start `dotnet {dll}`: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        return 127;
    }

    /// <summary>The subcommand's names below the root: "stat", "ckpt latest"; empty for the root itself.</summary>
    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command.Parent is CommandResult parent; command = parent)
        {
            names.Add(command.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    // argv is a NULL-terminated array of UTF-8 strings; the marshaller builds it (the last element is null).
    [LibraryImport("libc", EntryPoint = "execvp", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVp(string file, string?[] argv);
}
