namespace CkptFS.Common;

/// <summary>
/// The one exception type CkptFS code throws for an expected failure. It carries an
/// <see cref="ErrorCode"/> so that the RPC layer can map it to a status and the client SDK
/// can rebuild the same exception on the other side.
/// </summary>
public class CkptFsException : Exception
{
    public CkptFsException(ErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public CkptFsException(ErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    /// <summary>True for errors that may succeed when retried unchanged (server state, not input).</summary>
    public bool IsTransient => Code is ErrorCode.SafeMode or ErrorCode.Unavailable or ErrorCode.NotEnoughDataNodes or ErrorCode.NotEnoughReplicas;
}
