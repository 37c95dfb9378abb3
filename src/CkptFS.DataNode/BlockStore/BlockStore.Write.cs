using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode.BlockStore;

public sealed partial class BlockStore
{
    /// <summary>
    /// Creates the rbw replica of <paramref name="block"/> on the next volume (round robin) with room.
    /// Refused with StaleGenerationStamp ("exists") when a replica of that block with the same or a newer
    /// genstamp is finalized or being written; an older one is replaced. Raises RECEIVING.
    /// </summary>
    public ReplicaWriter CreateRbw(ExtendedBlock block, int bytesPerChecksum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        var id = new BlockId(block.BlockId);
        var generationStamp = new GenerationStamp(block.GenerationStamp);
        Replica? replaced = null;
        Replica replica;
        lock (_lock)
        {
            if (_replicas.TryGetValue(id, out var existing))
            {
                if (existing.GenerationStamp >= generationStamp && (existing.State == ReplicaState.Finalized || existing.Writing))
                {
                    throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                        $"{id} already exists here ({existing.State}, genstamp {existing.GenerationStamp}); cannot write genstamp {generationStamp}.");
                }

                replaced = existing;
                existing.Removed = true;
                _replicas.Remove(id);
            }

            var volume = ChooseVolume(id);
            replica = new Replica(id, generationStamp, volume, bytesPerChecksum)
            {
                DataPath = Path.Combine(volume.RbwDirectory, StorageVolume.DataFileName(id)),
                MetaPath = Path.Combine(volume.RbwDirectory, StorageVolume.MetaFileName(id, generationStamp)),
                Writing = true,
            };
            _replicas[id] = replica;
        }

        if (replaced is not null)
        {
            RemoveFiles(replaced);
            LogReplaced(_logger, id, replaced.GenerationStamp, generationStamp);
        }

        var writer = OpenRbwFiles(replica);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Receiving);
        return writer;
    }

    /// <summary>Step 2 of finalize (after the writer's fsync): move meta then data into finalized, fsync both folders.</summary>
    internal ExtendedBlock FinalizeReplica(Replica replica)
    {
        var directory = replica.Volume.FinalizedDirectoryOf(replica.Id);
        var createdParent = EnsureDirectory(directory);
        var dataPath = Path.Combine(directory, StorageVolume.DataFileName(replica.Id));
        var metaPath = Path.Combine(directory, StorageVolume.MetaFileName(replica.Id, replica.GenerationStamp));
        lock (_lock)
        {
            if (replica.Removed)
            {
                throw new CkptFsException(ErrorCode.BlockNotFound, $"{replica.Id} was deleted while being written.");
            }

            // Meta first: a crash between the two renames leaves an rbw data file without its meta and a
            // finalized meta without its data; a restart sets both aside as corrupt, and the block,
            // never acknowledged as finalized, is recovered from the other replicas.
            try
            {
                File.Move(replica.MetaPath, metaPath, overwrite: true);
                File.Move(replica.DataPath, dataPath, overwrite: true);
            }
            catch (IOException exception)
            {
                throw FileErrors.FromIOException(exception, "move replica into finalized/", dataPath);
            }

            replica.MetaPath = metaPath;
            replica.DataPath = dataPath;
            replica.State = ReplicaState.Finalized;
            replica.BytesAcknowledged = replica.BytesOnDisk;
        }

        DurableFile.FsyncDirectory(directory);
        DurableFile.FsyncDirectory(replica.Volume.RbwDirectory);
        if (createdParent is not null)
        {
            DurableFile.FsyncDirectory(createdParent);
        }

        LogFinalized(_logger, replica.Id, replica.GenerationStamp, replica.BytesOnDisk, replica.Volume.Root);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Received);
        return new ExtendedBlock { BlockId = replica.Id.Value, GenerationStamp = replica.GenerationStamp.Value, NumBytes = (ulong)replica.BytesOnDisk };
    }

    internal void Discard(Replica replica)
    {
        lock (_lock)
        {
            if (replica.Removed)
            {
                return;
            }

            replica.Removed = true;
            _replicas.Remove(replica.Id);
        }

        RemoveFiles(replica);
        LogDiscarded(_logger, replica.Id, replica.GenerationStamp, replica.BytesOnDisk);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Deleted);
    }

    internal void ReleaseWriter(Replica replica)
    {
        lock (_lock)
        {
            replica.Writing = false;
        }

        EndTransfer();
    }

    private ReplicaWriter OpenRbwFiles(Replica replica)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? data = null;
        Microsoft.Win32.SafeHandles.SafeFileHandle? meta = null;
        try
        {
            data = File.OpenHandle(replica.DataPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            meta = File.OpenHandle(replica.MetaPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            Span<byte> header = stackalloc byte[ReplicaMetaHeader.Size];
            ReplicaMetaHeader.Write(header, replica.BytesPerChecksum);
            RandomAccess.Write(meta, header, 0);
            BeginTransfer();
            return new ReplicaWriter(this, replica, data, meta);
        }
        catch (IOException exception)
        {
            data?.Dispose();
            meta?.Dispose();
            replica.Writing = false;
            Discard(replica);
            throw FileErrors.FromIOException(exception, "create replica", replica.DataPath);
        }
    }

    /// <summary>Round robin over the volumes, skipping those without room; none → DiskFull. Caller holds the lock.</summary>
    private StorageVolume ChooseVolume(BlockId block)
    {
        for (var i = 0; i < _volumes.Count; i++)
        {
            var volume = _volumes[(_nextVolume + i) % _volumes.Count];
            if (volume.RemainingBytes(_options.ReservedBytesPerVolume) > 0)
            {
                _nextVolume = (_nextVolume + i + 1) % _volumes.Count;
                return volume;
            }
        }

        throw new CkptFsException(ErrorCode.DiskFull, $"No volume has room for {block}: all {_volumes.Count} are full (reserve {_options.ReservedBytesPerVolume} bytes each).");
    }

    /// <summary>Creates the folder if missing; returns its parent when it was created (that parent's entry needs an fsync).</summary>
    private static string? EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return null;
        }

        Directory.CreateDirectory(directory);
        var parent = Path.GetDirectoryName(directory)!;
        DurableFile.FsyncDirectory(Path.GetDirectoryName(parent)!);
        return parent;
    }

}
