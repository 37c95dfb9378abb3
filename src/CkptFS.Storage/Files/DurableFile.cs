using System.Runtime.InteropServices;

namespace CkptFS.Storage.Files;

/// <summary>
/// Helpers that make file changes survive a power loss. A write is durable only after fsync of the
/// file, and a create or rename only after fsync of the folder that holds the name: without the
/// second, ext4 and xfs may come back after a crash with the old name, or no name at all.
/// Failures throw <see cref="Common.CkptFsException"/>: DiskFull for ENOSPC/EDQUOT, else StorageFailure.
/// </summary>
public static class DurableFile
{
    /// <summary>Flushes a file's data and metadata to the device.</summary>
    public static void FsyncFile(string path) => Fsync(path, "fsync file");

    /// <summary>Flushes a folder's entries (creates, renames, deletes inside it) to the device.</summary>
    public static void FsyncDirectory(string path) => Fsync(path, "fsync directory");

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="contents"/> so that after a crash the file
    /// holds either the old or the new contents, never a mix: write a temporary file in the same folder
    /// (rename is atomic only within one filesystem), fsync it, rename it over the target, fsync the folder.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root, not a file.", nameof(path));
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            Rename(temporary, fullPath);
            FsyncDirectory(directory);
        }
        catch (IOException exception)
        {
            DeleteLeftover(temporary);
            throw FileErrors.FromIOException(exception, "write", fullPath);
        }
        catch
        {
            DeleteLeftover(temporary);
            throw;
        }
    }

    /// <summary>
    /// Renames a file or folder, replacing <paramref name="to"/> if it exists, and fsyncs the folder of
    /// the new name and, when it differs, the folder of the old name, so that the move itself is durable.
    /// </summary>
    public static void RenameDurably(string from, string to)
    {
        var fullFrom = Path.GetFullPath(from);
        var fullTo = Path.GetFullPath(to);
        Rename(fullFrom, fullTo);
        var toDirectory = Path.GetDirectoryName(fullTo);
        var fromDirectory = Path.GetDirectoryName(fullFrom);
        if (toDirectory is not null)
        {
            FsyncDirectory(toDirectory);
        }

        if (fromDirectory is not null && fromDirectory != toDirectory)
        {
            FsyncDirectory(fromDirectory);
        }
    }

    private static void Fsync(string path, string operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        int descriptor;
        do
        {
            descriptor = LibC.Open(fullPath, LibC.OpenReadOnly | LibC.OpenCloseOnExec);
        }
        while (descriptor < 0 && Marshal.GetLastPInvokeError() == LibC.ErrorInterrupted);

        if (descriptor < 0)
        {
            throw FileErrors.FromErrno(Marshal.GetLastPInvokeError(), operation, fullPath);
        }

        try
        {
            if (LibC.Fsync(descriptor) != 0)
            {
                // No retry on failure: after a failed fsync Linux may have dropped the dirty pages,
                // so a second fsync can succeed without the data being on disk.
                throw FileErrors.FromErrno(Marshal.GetLastPInvokeError(), operation, fullPath);
            }
        }
        finally
        {
            // The descriptor was read-only: close has no data left to lose, so its result is moot.
            _ = LibC.Close(descriptor);
        }
    }

    private static void Rename(string from, string to)
    {
        if (LibC.Rename(from, to) != 0)
        {
            throw FileErrors.FromErrno(Marshal.GetLastPInvokeError(), $"rename '{from}' to", to);
        }
    }

    private static void DeleteLeftover(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (IOException)
        {
            // Best effort: the caller gets the original failure, which matters more; a leftover
            // ".tmp" file is harmless, since no reader looks at that name.
        }
    }
}
