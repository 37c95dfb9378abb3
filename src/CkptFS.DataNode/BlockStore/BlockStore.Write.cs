using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode.BlockStore;

public sealed partial class BlockStore
{
    /// <summary>
    /// Creates the rbw replica of <paramref name="block"/> on the next volume (round robin) with room.
    /// Refused with StaleGenerationStamp ("exists") when a replica of that block with the same or a newer
    /// genstamp is finalized or being written, and with RecoveryInProgress while an rbw replica of it is
    /// under block recovery; an older one is replaced (its writer, if any, is stopped). Raises RECEIVING.
    /// </summary>
    /// <param name="replaceIdleRbw">
    /// Whether an rbw replica nobody writes is replaced even at the same or a newer genstamp (a new write
    /// or a re-replication tried again); false for a TRANSFER_RBW copy, which refuses it too.
    /// </param>
    public ReplicaWriter CreateRbw(ExtendedBlock block, int bytesPerChecksum, bool replaceIdleRbw = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        var id = new BlockId(block.BlockId);
        var generationStamp = new GenerationStamp(block.GenerationStamp);
        Replica? replaced = null;
        Replica replica;
        var owner = new ReplicaOwner();
        lock (_lock)
        {
            if (_replicas.TryGetValue(id, out var existing))
            {
                if (existing.RecoveryId != 0 && existing.State == ReplicaState.Rbw)
                {
                    throw new CkptFsException(ErrorCode.RecoveryInProgress,
                        $"{id} is under block recovery {existing.RecoveryId} here; write it again once the recovery has closed the file.");
                }

                if (existing.GenerationStamp >= generationStamp && (existing.State == ReplicaState.Finalized || existing.Owner is not null || !replaceIdleRbw))
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
                Owner = owner,
            };
            _replicas[id] = replica;
        }

        if (replaced is not null)
        {
            replaced.Owner?.RequestStop();
            RemoveFiles(replaced);
            LogReplaced(_logger, id, replaced.GenerationStamp, generationStamp);
        }

        var writer = OpenRbwFiles(replica, owner, create: true);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Receiving);
        return writer;
    }

    /// <summary>
    /// Step 2 of finalize (after the owner's fsync): move meta then data into finalized, fsync both folders.
    /// Only the replica's current <paramref name="owner"/> may, and only when the replica is under the
    /// block recovery <paramref name="recoveryId"/> (0 for a writer: none): a writer stopped or preempted
    /// by a recovery leaves the length to that recovery.
    /// </summary>
    internal ExtendedBlock FinalizeReplica(Replica replica, ReplicaOwner owner, ulong recoveryId = 0)
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

            if (replica.Owner != owner || owner.StopRequested.IsCancellationRequested || replica.RecoveryId != recoveryId)
            {
                throw new CkptFsException(ErrorCode.RecoveryInProgress,
                    $"{replica.Id} was taken over by {(replica.RecoveryId != 0 ? $"block recovery {replica.RecoveryId}" : "a pipeline recovery")} before it could be finalized; that recovery decides its length.");
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

    /// <summary>Tells the NameNode what an rbw replica holds now (a TRANSFER_RBW copy that arrived whole).</summary>
    internal void ReportReceiving(Replica replica) => Raise(replica, IncrementalBlockReportRequest.Types.Kind.Receiving);

    /// <summary>
    /// Removes a replica its <paramref name="owner"/> gave up on; one a recovery took over (or is recovering)
    /// is left to it. A <paramref name="reason"/> of DiskFull is remembered (see BlockStore.DiskFull.cs).
    /// </summary>
    internal void Discard(Replica replica, ReplicaOwner owner, CkptFsException? reason = null)
    {
        lock (_lock)
        {
            if (replica.Removed || replica.Owner != owner || owner.StopRequested.IsCancellationRequested || replica.RecoveryId != 0)
            {
                return;
            }

            replica.Removed = true;
            _replicas.Remove(replica.Id);
            if (reason?.Code == ErrorCode.DiskFull)
            {
                RememberDiskFull(replica.Id, reason.Message);
            }
        }

        RemoveFiles(replica);
        LogDiscarded(_logger, replica.Id, replica.GenerationStamp, replica.BytesOnDisk);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Deleted);
    }

    internal void ReleaseWriter(Replica replica, ReplicaOwner owner)
    {
        ReleaseOwner(replica, owner);
        EndTransfer();
    }

    /// <summary>
    /// Opens the files of an rbw replica for its new writer: <paramref name="create"/> makes new ones
    /// (with the meta header), else the existing ones are continued (streaming recovery). On failure the
    /// owner lets go, and a replica just created is removed.
    /// </summary>
    private ReplicaWriter OpenRbwFiles(Replica replica, ReplicaOwner owner, bool create)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? data = null;
        Microsoft.Win32.SafeHandles.SafeFileHandle? meta = null;
        try
        {
            var mode = create ? FileMode.Create : FileMode.Open;
            data = File.OpenHandle(replica.DataPath, mode, FileAccess.ReadWrite, FileShare.Read);
            meta = File.OpenHandle(replica.MetaPath, mode, FileAccess.ReadWrite, FileShare.Read);
            if (create)
            {
                Span<byte> header = stackalloc byte[ReplicaMetaHeader.Size];
                ReplicaMetaHeader.Write(header, replica.BytesPerChecksum);
                RandomAccess.Write(meta, header, 0);
            }

            BeginTransfer();
            return new ReplicaWriter(this, replica, owner, data, meta, new SyncBehind(data, _options.SyncBehindBytes, _options.DropBehindWrites));
        }
        catch (IOException exception)
        {
            data?.Dispose();
            meta?.Dispose();
            var failure = FileErrors.FromIOException(exception, create ? "create replica" : "reopen replica", replica.DataPath);
            if (create)
            {
                Discard(replica, owner, failure);
            }

            ReleaseOwner(replica, owner);
            throw failure;
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
