using System.Text.RegularExpressions;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Restart: rebuild the replica map from disk.
/// 1. finalized/: a replica is served only when its meta header is valid and the meta holds exactly
///    one checksum per chunk of the data file; anything else (or an orphan file) goes to corrupt/.
///    Data is not read: a full scan of terabytes would hold the restart for hours (HDFS's block
///    scanner does that in the background); readers verify every chunk anyway.
/// 2. rbw/: each replica is cut to the longest prefix whose chunks verify, and kept as RBW with that
///    length acknowledged; the NameNode's lease recovery decides its fate.
/// 3. The same block on two volumes: the finalized or newer replica wins, the other goes to corrupt/.
/// </summary>
public sealed partial class BlockStore
{
    [GeneratedRegex(@"^blk_(\d+)$")]
    private static partial Regex DataFilePattern();

    [GeneratedRegex(@"^blk_(\d+)_(\d+)\.meta$")]
    private static partial Regex MetaFilePattern();

    private void LoadVolume(StorageVolume volume)
    {
        var finalized = 0;
        var rbw = 0;
        foreach (var directory in Directory.EnumerateDirectories(volume.FinalizedDirectory, "*", SearchOption.AllDirectories).Prepend(volume.FinalizedDirectory))
        {
            foreach (var (id, dataPath, metaPath, generationStamp) in PairFiles(volume, directory))
            {
                var bytesPerChecksum = ReplicaFileCheck.CheckFinalized(dataPath, metaPath, out var length, out var problem);
                if (bytesPerChecksum is null)
                {
                    SetAside(volume, id, [dataPath, metaPath], problem!);
                    continue;
                }

                var replica = new Replica(id, generationStamp, volume, bytesPerChecksum.Value) { State = ReplicaState.Finalized, DataPath = dataPath, MetaPath = metaPath, BytesOnDisk = length };
                finalized += Register(replica) ? 1 : 0;
            }
        }

        foreach (var (id, dataPath, metaPath, generationStamp) in PairFiles(volume, volume.RbwDirectory))
        {
            var bytesPerChecksum = ReplicaFileCheck.TruncateToVerifiedPrefix(dataPath, metaPath, out var length, out var problem);
            if (bytesPerChecksum is null)
            {
                SetAside(volume, id, [dataPath, metaPath], problem!);
                continue;
            }

            LogRbwLoaded(_logger, id, generationStamp, length, volume.Root);
            var replica = new Replica(id, generationStamp, volume, bytesPerChecksum.Value) { DataPath = dataPath, MetaPath = metaPath, BytesOnDisk = length, BytesAcknowledged = length };
            rbw += Register(replica) ? 1 : 0;
        }

        LogVolumeLoaded(_logger, volume.Root, volume.StorageId, finalized, rbw, volume.UsedBytes);
    }

    /// <summary>Data and meta files of one folder, paired by block id; orphans of either kind go to corrupt/.</summary>
    private List<(BlockId Id, string DataPath, string MetaPath, GenerationStamp GenerationStamp)> PairFiles(StorageVolume volume, string directory)
    {
        var data = new Dictionary<ulong, string>();
        var metas = new Dictionary<ulong, (string Path, ulong GenerationStamp)>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (DataFilePattern().Match(name) is { Success: true } dataMatch && ulong.TryParse(dataMatch.Groups[1].Value, out var dataId))
            {
                data[dataId] = path;
            }
            else if (MetaFilePattern().Match(name) is { Success: true } metaMatch && ulong.TryParse(metaMatch.Groups[1].Value, out var metaId)
                && ulong.TryParse(metaMatch.Groups[2].Value, out var generationStamp) && !metas.ContainsKey(metaId))
            {
                metas[metaId] = (path, generationStamp);
            }
            else
            {
                SetAside(volume, null, [path], "an unknown or duplicate file in a replica folder");
            }
        }

        var pairs = new List<(BlockId, string, string, GenerationStamp)>();
        foreach (var (id, dataPath) in data)
        {
            if (metas.Remove(id, out var meta))
            {
                pairs.Add((new BlockId(id), dataPath, meta.Path, new GenerationStamp(meta.GenerationStamp)));
            }
            else
            {
                SetAside(volume, new BlockId(id), [dataPath], "a data file without its meta file");
            }
        }

        foreach (var (id, meta) in metas)
        {
            SetAside(volume, new BlockId(id), [meta.Path], "a meta file without its data file");
        }

        return pairs;
    }

    /// <summary>Adds a loaded replica, or keeps the better of two copies of one block (finalized, then newer).</summary>
    private bool Register(Replica replica)
    {
        if (_replicas.TryGetValue(replica.Id, out var other))
        {
            var keepNew = (replica.State == ReplicaState.Finalized && other.State != ReplicaState.Finalized)
                || (replica.State == other.State && replica.GenerationStamp > other.GenerationStamp);
            var loser = keepNew ? other : replica;
            SetAside(loser.Volume, loser.Id, [loser.DataPath, loser.MetaPath], $"a second copy of the block (genstamp {loser.GenerationStamp}, {loser.State})");
            if (!keepNew)
            {
                return false;
            }

            other.Volume.AddUsed(-other.BytesOnDisk);
        }

        _replicas[replica.Id] = replica;
        replica.Volume.AddUsed(replica.BytesOnDisk);
        return other is null;
    }

    private void SetAside(StorageVolume volume, BlockId? block, IEnumerable<string> paths, string problem)
    {
        foreach (var path in paths)
        {
            var target = Path.Combine(volume.CorruptDirectory, Path.GetFileName(path));
            File.Move(path, File.Exists(target) ? $"{target}.{Guid.NewGuid():N}" : target);
        }

        LogSetAside(_logger, block?.ToString() ?? "-", problem, volume.Root);
    }
}
