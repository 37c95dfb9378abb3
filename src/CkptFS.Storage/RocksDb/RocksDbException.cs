using CkptFS.Common;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// A failed RocksDB call, with RocksDB's own message text (its Status string, such as
/// "IO error: While lock file: /x/LOCK: Resource temporarily unavailable"), the operation and the
/// database path. The code says what a caller can do about it: <see cref="ErrorCode.StorageCorrupt"/>
/// when RocksDB reports corruption (do not retry; restore), <see cref="ErrorCode.DiskFull"/> when the
/// disk is full (free space; RocksDB stays read-only until reopened), else <see cref="ErrorCode.StorageFailure"/>.
/// </summary>
public sealed class RocksDbException : CkptFsException
{
    public RocksDbException(string rocksMessage, string operation, string databasePath, Exception? innerException = null)
        : base(Classify(rocksMessage), $"RocksDB {operation} failed on '{databasePath}': {rocksMessage}", innerException)
    {
        RocksMessage = rocksMessage;
        Operation = operation;
        DatabasePath = databasePath;
    }

    /// <summary>The message exactly as RocksDB returned it.</summary>
    public string RocksMessage { get; }

    /// <summary>The call that failed, such as "open", "put", "write" or "iterate".</summary>
    public string Operation { get; }

    public string DatabasePath { get; }

    private static ErrorCode Classify(string rocksMessage)
    {
        // RocksDB's Status::ToString starts with the code name ("Corruption: ...") and names the
        // NoSpace subcode in its text; the C API (and so RocksDbSharp) gives nothing more structured.
        if (rocksMessage.StartsWith("Corruption", StringComparison.Ordinal))
        {
            return ErrorCode.StorageCorrupt;
        }

        if (rocksMessage.Contains("No space left on device", StringComparison.Ordinal))
        {
            return ErrorCode.DiskFull;
        }

        return ErrorCode.StorageFailure;
    }
}
