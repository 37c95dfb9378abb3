using System.Text.RegularExpressions;
using CkptFS.Common;

namespace CkptFS.Cli;

/// <summary>
/// One clear line on stderr per failure, and an exit code a script can test (README: exit codes):
/// 1 refused (bad path, exists, not found, not empty, a local path in the way), 2 bad usage,
/// 3 the NameNode unreachable or unavailable (a TLS mismatch included), 4 internal or storage failures (no DataNode can take
/// a block, a local disk full or failing), 5 not authenticated or not allowed. A stack trace only with --debug.
/// </summary>
public static partial class CliErrors
{
    public const int Refused = 1;
    public const int Usage = 2;
    public const int NameNodeUnavailable = 3;
    public const int Storage = 4;
    public const int Denied = 5;

    /// <summary>A process that wrote into a closed pipe (`ckptfs cat /x | head`): 128 + SIGPIPE, silently, as a Unix tool.</summary>
    public const int BrokenPipe = 141;

    public static int Report(Exception e, bool debug)
    {
        ReportDebug(e, debug);
        if (IsBrokenPipe(e))
        {
            return BrokenPipe;
        }
        var (code, message) = Classify(e);
        Console.Error.WriteLine($"ckptfs: {message}");
        return code;
    }

    /// <summary>With --debug, the whole exception (stack trace included) before the one line.</summary>
    public static void ReportDebug(Exception e, bool debug)
    {
        if (debug)
        {
            Console.Error.WriteLine(e.ToString());
        }
    }

    public static int ExitCode(ErrorCode code) => code switch
    {
        ErrorCode.Unavailable or ErrorCode.SafeMode or ErrorCode.DeadlineExceeded or ErrorCode.TlsMismatch => NameNodeUnavailable,
        ErrorCode.NotEnoughDataNodes or ErrorCode.Internal or ErrorCode.StorageFailure or ErrorCode.StorageCorrupt => Storage,
        ErrorCode.Unauthenticated or ErrorCode.PermissionDenied => Denied,
        _ => Refused,
    };

    private static (int Code, string Message) Classify(Exception e) => e switch
    {
        CkptFsException ckptfs => (ExitCode(ckptfs.Code), ckptfs.Message),
        ArgumentException argument => (Usage, EndWithFullStop(WithoutParameterName(argument.Message))),
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or PathTooLongException => (Refused, LocalMessage(e)),
        IOException => (Storage, LocalMessage(e)),
        OperationCanceledException => (Refused, "cancelled."),
        _ => (Storage, $"internal error ({e.GetType().Name}): {e.Message} (run with --debug for the stack trace)"),
    };

    private static string LocalMessage(Exception e) => $"local I/O: {EndWithFullStop(e.Message)}";

    private static string EndWithFullStop(string message) => message.TrimEnd().EndsWith('.') ? message.TrimEnd() : message.TrimEnd() + ".";

    private static bool IsBrokenPipe(Exception e) => e is IOException && e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase);

    /// <summary>".NET's " (Parameter 'hostPort')" names a variable of ours, not anything the user typed.</summary>
    private static string WithoutParameterName(string message) => ParameterSuffix().Replace(message, "");

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)\s*$")]
    private static partial Regex ParameterSuffix();
}
