using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// One data folder. Layout (HDFS's): current/rbw/ holds replicas being written,
/// current/finalized/subdirA/subdirB/ finished ones (A = bits 16-20 and B = bits 8-12 of the block id,
/// so a million blocks spread over 1024 folders of about a thousand files), current/corrupt/ the
/// replicas a restart found unusable (kept for a person to look at, never served). The storage id
/// lives in the file storage_id so that it survives restarts.
/// </summary>
public sealed class StorageVolume
{
    private const string StorageIdFile = "storage_id";
    private long _usedBytes;

    private StorageVolume(string root, string storageId)
    {
        Root = root;
        StorageId = storageId;
        RbwDirectory = Path.Combine(root, "current", "rbw");
        FinalizedDirectory = Path.Combine(root, "current", "finalized");
        CorruptDirectory = Path.Combine(root, "current", "corrupt");
    }

    public string Root { get; }

    public string StorageId { get; }

    public string RbwDirectory { get; }

    public string FinalizedDirectory { get; }

    public string CorruptDirectory { get; }

    /// <summary>Bytes of the replicas on this volume (data files).</summary>
    public long UsedBytes => Interlocked.Read(ref _usedBytes);

    /// <summary>Opens (creating when new) the layout under <paramref name="root"/>.</summary>
    public static StorageVolume Open(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        try
        {
            Directory.CreateDirectory(Path.Combine(fullRoot, "current", "rbw"));
            Directory.CreateDirectory(Path.Combine(fullRoot, "current", "finalized"));
            Directory.CreateDirectory(Path.Combine(fullRoot, "current", "corrupt"));
            var idPath = Path.Combine(fullRoot, StorageIdFile);
            if (!File.Exists(idPath))
            {
                DurableFile.WriteAtomically(idPath, System.Text.Encoding.UTF8.GetBytes($"DS-{Guid.NewGuid()}"));
            }

            return new StorageVolume(fullRoot, File.ReadAllText(idPath).Trim());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CkptFsException(ErrorCode.StorageFailure, $"Cannot open data folder '{fullRoot}': {exception.Message}", exception);
        }
    }

    /// <summary>The folder of a finalized replica of <paramref name="block"/>.</summary>
    public string FinalizedDirectoryOf(BlockId block) =>
        Path.Combine(FinalizedDirectory, $"subdir{(block.Value >> 16) & 0x1F}", $"subdir{(block.Value >> 8) & 0x1F}");

    public static string DataFileName(BlockId block) => $"blk_{block.Value}";

    public static string MetaFileName(BlockId block, GenerationStamp generationStamp) => $"blk_{block.Value}_{generationStamp.Value}.meta";

    public void AddUsed(long bytes) => Interlocked.Add(ref _usedBytes, bytes);

    /// <summary>Free bytes replicas may still take: free space on the filesystem less the reserve.</summary>
    public long RemainingBytes(long reservedBytes) => Math.Max(0, new DriveInfo(Root).AvailableFreeSpace - reservedBytes);

    public StorageReport Report(long reservedBytes)
    {
        try
        {
            var drive = new DriveInfo(Root);
            return new StorageReport
            {
                StorageId = StorageId,
                Path = Root,
                CapacityBytes = (ulong)drive.TotalSize,
                UsedBytes = (ulong)Math.Max(0, UsedBytes),
                RemainingBytes = (ulong)Math.Max(0, drive.AvailableFreeSpace - reservedBytes),
            };
        }
        catch (IOException)
        {
            // The folder's filesystem cannot be queried: report the volume failed, which the NameNode
            // counts, instead of failing the whole heartbeat.
            return new StorageReport { StorageId = StorageId, Path = Root, UsedBytes = (ulong)Math.Max(0, UsedBytes), Failed = true };
        }
    }
}
