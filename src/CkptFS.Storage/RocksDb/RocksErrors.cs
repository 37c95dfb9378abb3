using NativeRocksDbException = RocksDbSharp.RocksDbException;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// RocksDbSharp throws its own <c>RocksDbSharp.RocksDbException</c> whose message is RocksDB's
/// Status string and nothing else; ours adds the operation and the database path, and an
/// <see cref="Common.ErrorCode"/> that says what a caller can do about it.
/// </summary>
internal static class RocksErrors
{
    public static RocksDbException Translate(NativeRocksDbException error, string operation, string databasePath) =>
        new(string.IsNullOrEmpty(error.Message) ? "(no message)" : error.Message, operation, databasePath, error);
}
