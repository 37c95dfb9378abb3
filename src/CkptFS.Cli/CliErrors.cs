using CkptFS.Common;

namespace CkptFS.Cli;

/// <summary>One clear line on stderr per failure, and an exit code a script can test.</summary>
public static class CliErrors
{
    /// <summary>Exit codes: 1 for a refused operation (bad path, exists, not found...), 3 when the cluster is unreachable or unavailable, 4 for internal errors.</summary>
    public static int Report(CkptFsException e)
    {
        Console.Error.WriteLine($"ckptfs: {e.Message}");
        return e.Code switch
        {
            ErrorCode.Unavailable or ErrorCode.SafeMode or ErrorCode.DeadlineExceeded or ErrorCode.NotEnoughDataNodes => 3,
            ErrorCode.Internal or ErrorCode.StorageFailure or ErrorCode.StorageCorrupt => 4,
            _ => 1,
        };
    }
}
