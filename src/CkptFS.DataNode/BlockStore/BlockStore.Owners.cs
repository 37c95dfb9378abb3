using System.Diagnostics;
using CkptFS.Common;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// How a recovery step takes a replica's files from whoever holds them (see <see cref="ReplicaOwner"/>),
/// and the changes only an owner may make: cut the replica, give it a new genstamp.
/// </summary>
public sealed partial class BlockStore
{
    /// <summary>
    /// Takes the replica of <paramref name="id"/> for a recovery step. Under the lock
    /// <paramref name="admit"/> checks the replica (and may mark it under recovery) and returns a refusal
    /// or null. When a writer (or another step) holds it, that owner is asked to stop and the claim waits
    /// until it let go: at most SocketTimeout in all, within which a receiver blocked on a silent peer
    /// gives up anyway. After a wait the replica must be the same one, under the same recovery id (a newer
    /// recovery preempts this step). The caller must <see cref="ReleaseOwner"/> the owner it gets.
    /// </summary>
    private async Task<(Replica Replica, ReplicaOwner Owner)> ClaimAsync(BlockId id, string purpose, Func<Replica, CkptFsException?> admit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Replica? admitted = null;
        var recoveryId = 0UL;
        while (true)
        {
            ReplicaOwner holder;
            lock (_lock)
            {
                _replicas.TryGetValue(id, out var replica);
                if (admitted is null)
                {
                    admitted = replica ?? throw new CkptFsException(ErrorCode.BlockNotFound, $"{id} is not on this DataNode.");
                    if (admit(admitted) is { } refusal)
                    {
                        throw refusal;
                    }

                    recoveryId = admitted.RecoveryId;
                }
                else if (replica != admitted)
                {
                    throw new CkptFsException(ErrorCode.BlockNotFound, $"{id} was deleted or replaced here while its writer was stopping for {purpose}.");
                }
                else if (replica.RecoveryId != recoveryId)
                {
                    throw new CkptFsException(ErrorCode.RecoveryInProgress, $"{id} was taken over by block recovery {replica.RecoveryId} here while its writer was stopping for {purpose}.");
                }

                if (admitted.Owner is null)
                {
                    var owner = new ReplicaOwner();
                    admitted.Owner = owner;
                    return (admitted, owner);
                }

                holder = admitted.Owner;
            }

            LogStoppingWriter(_logger, id, purpose);
            holder.RequestStop();
            var left = _options.SocketTimeout - Stopwatch.GetElapsedTime(started);
            try
            {
                await holder.Released.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new CkptFsException(ErrorCode.Unavailable,
                    $"The writer of {id} did not stop within {_options.SocketTimeout.TotalSeconds:0.###} s (SocketTimeout) for {purpose}; try the recovery again.");
            }
        }
    }

    /// <summary>Lets go of a replica; the next claim (or a waiting one) may take it.</summary>
    private void ReleaseOwner(Replica replica, ReplicaOwner owner)
    {
        lock (_lock)
        {
            if (replica.Owner == owner)
            {
                replica.Owner = null;
            }
        }

        owner.Release();
    }

    /// <summary>Cuts a replica its caller owns to <paramref name="length"/> bytes (see <see cref="ReplicaFileCheck.Truncate"/>).</summary>
    private void Truncate(Replica replica, long length)
    {
        try
        {
            ReplicaFileCheck.Truncate(replica.DataPath, replica.MetaPath, replica.BytesPerChecksum, length);
        }
        catch (IOException exception)
        {
            throw FileErrors.FromIOException(exception, "truncate replica", replica.DataPath);
        }

        replica.Volume.AddUsed(length - replica.BytesOnDisk);
        replica.BytesOnDisk = length;
        replica.BytesAcknowledged = Math.Min(replica.BytesAcknowledged, length);
    }

    /// <summary>
    /// The longest prefix of a replica its caller owns whose chunks verify (the restart check, read only),
    /// capped at the bytes it holds. A meta file without a valid header is StorageCorrupt.
    /// </summary>
    private long VerifiedLength(Replica replica)
    {
        int? bytesPerChecksum;
        long length;
        string? problem;
        try
        {
            bytesPerChecksum = ReplicaFileCheck.VerifiedLength(replica.DataPath, replica.MetaPath, out length, out problem);
        }
        catch (IOException exception)
        {
            throw FileErrors.FromIOException(exception, "verify replica", replica.DataPath);
        }

        return bytesPerChecksum is null
            ? throw new CkptFsException(ErrorCode.StorageCorrupt, $"The replica of {replica.Id} here cannot be verified: its meta file has {problem}.")
            : Math.Min(length, replica.BytesOnDisk);
    }

    /// <summary>
    /// Gives a replica its caller owns a new genstamp: its meta file, which carries the genstamp in its
    /// name, is renamed in its folder, and the folder fsynced so that a restart finds the new name.
    /// </summary>
    private void SetGenerationStamp(Replica replica, GenerationStamp generationStamp)
    {
        string directory;
        lock (_lock)
        {
            if (replica.Removed)
            {
                throw new CkptFsException(ErrorCode.BlockNotFound, $"{replica.Id} was deleted here during its recovery.");
            }

            if (replica.GenerationStamp == generationStamp)
            {
                return;
            }

            directory = Path.GetDirectoryName(replica.MetaPath)!;
            var metaPath = Path.Combine(directory, StorageVolume.MetaFileName(replica.Id, generationStamp));
            try
            {
                File.Move(replica.MetaPath, metaPath, overwrite: true);
            }
            catch (IOException exception)
            {
                throw FileErrors.FromIOException(exception, "rename replica meta", metaPath);
            }

            replica.MetaPath = metaPath;
            replica.GenerationStamp = generationStamp;
        }

        DurableFile.FsyncDirectory(directory);
    }
}
