using CkptFS.Common;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// What may stand in the way of writing a local file, checked before any byte is read, so each
/// case is one line naming the user's path (exit 1) rather than a .NET I/O exception.
/// </summary>
internal static class LocalTarget
{
    public static void Check(string remote, string local, bool overwrite)
    {
        if (Directory.Exists(local))
        {
            throw new CkptFsException(ErrorCode.IsADirectory, $"Cannot get {remote}: {local} is a local folder (a folder is never replaced, even with -f).");
        }
        if (!overwrite && Path.Exists(local))
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot get {remote}: {local} already exists (use -f to overwrite it).");
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(local));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new CkptFsException(ErrorCode.FileNotFound, $"Cannot get {remote} to {local}: no such local folder {folder}.");
        }
    }
}
