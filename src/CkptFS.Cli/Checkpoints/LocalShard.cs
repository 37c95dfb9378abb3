using CkptFS.Common;

namespace CkptFS.Cli.Checkpoints;

/// <summary>A local file to upload as a shard: its path relative to the checkpoint folder ('/'-separated) and its size.</summary>
public sealed record LocalShard(string ShardPath, string LocalPath, long Bytes)
{
    /// <summary>The local path that means "read the shard from stdin" (its size is unknown: -1).</summary>
    public const string StandardInput = "-";

    /// <summary>Every file below <paramref name="folder"/>, in path order; an empty or missing folder is an error.</summary>
    public static IReadOnlyList<LocalShard> InFolder(string folder)
    {
        if (File.Exists(folder))
        {
            throw new CkptFsException(ErrorCode.NotADirectory, $"{folder} is a file, not a folder: give the folder that holds the checkpoint's files (one file goes up with 'ckptfs ckpt put-shard').");
        }
        if (!Directory.Exists(folder))
        {
            throw new CkptFsException(ErrorCode.FileNotFound, $"{folder}: no such local folder (give the folder that holds the checkpoint's files).");
        }
        var shards = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => new LocalShard(Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'), file, new FileInfo(file).Length))
            .OrderBy(s => s.ShardPath, StringComparer.Ordinal)
            .ToList();
        return shards.Count > 0 ? shards : throw new CkptFsException(ErrorCode.FileNotFound, $"{folder} holds no files: nothing to save.");
    }

    /// <summary>
    /// Local files and folders given on the command line; a file keeps its name (or <paramref name="name"/>,
    /// which stdin, '-', needs), a folder's files their paths below it.
    /// </summary>
    public static IReadOnlyList<LocalShard> FromArguments(IReadOnlyList<string> paths, string? name)
    {
        if (name is not null)
        {
            return paths.Count != 1 || Directory.Exists(paths[0])
                ? throw new ArgumentException("--name names one shard: give exactly one local file or '-'.")
                : [new LocalShard(name, paths[0], paths[0] == StandardInput ? -1 : new FileInfo(paths[0]).Length)];
        }
        return paths.Contains(StandardInput)
            ? throw new ArgumentException("A shard read from stdin ('-') needs its name: --name SHARD.")
            : FromFilesAndFolders(paths);
    }

    private static IReadOnlyList<LocalShard> FromFilesAndFolders(IReadOnlyList<string> paths) =>
        [.. paths.SelectMany(path => Directory.Exists(path)
            ? InFolder(path)
            : File.Exists(path)
                ? [new LocalShard(Path.GetFileName(path), path, new FileInfo(path).Length)]
                : throw new CkptFsException(ErrorCode.FileNotFound, $"{path}: no such local file or folder."))];
}
