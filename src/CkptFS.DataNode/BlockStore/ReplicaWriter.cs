using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.V1;
using CkptFS.Storage.Files;
using Microsoft.Win32.SafeHandles;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// The one writer of an rbw replica: appends packets (data and their chunk checksums) with positional
/// writes, tracks the bytes received and acknowledged, and ends with <see cref="FinalizeReplica"/>
/// (durable, then RECEIVED), <see cref="SyncAsRbw"/> (a copy: durable, still rbw) or <see cref="Discard"/>
/// (files removed). Disposing without either leaves
/// the rbw replica for lease recovery, visible up to the bytes acknowledged. A recovery may stop the
/// writer (<see cref="StopRequested"/>): its receiver must then close the connection and dispose it,
/// and it can no longer finalize or discard the replica.
/// Invariant: every stored checksum covers a chunk from its start, so a packet starts on a chunk
/// boundary, at the end or at the start of a partial last chunk that it rewrites (after an hflush).
/// </summary>
public sealed class ReplicaWriter : IDisposable
{
    private readonly BlockStore _store;
    private readonly Replica _replica;
    private readonly ReplicaOwner _owner;
    private readonly SafeFileHandle _data;
    private readonly SafeFileHandle _meta;
    private readonly SyncBehind _syncBehind;
    private int _disposed;

    internal ReplicaWriter(BlockStore store, Replica replica, ReplicaOwner owner, SafeFileHandle data, SafeFileHandle meta, SyncBehind syncBehind)
    {
        _syncBehind = syncBehind;
        _store = store;
        _replica = replica;
        _owner = owner;
        _data = data;
        _meta = meta;
    }

    public BlockId BlockId => _replica.Id;

    public GenerationStamp GenerationStamp => _replica.GenerationStamp;

    public int BytesPerChecksum => _replica.BytesPerChecksum;

    public long BytesOnDisk => _replica.BytesOnDisk;

    public long BytesAcknowledged => _replica.BytesAcknowledged;

    public string StorageId => _replica.Volume.StorageId;

    /// <summary>Sync-behind steps started so far (see <see cref="SyncBehind"/>).</summary>
    public int SyncBehindSteps => _syncBehind.Steps;

    /// <summary>Fires when a recovery takes the replica over: stop reading packets, close the connection, dispose.</summary>
    public CancellationToken StopRequested => _owner.StopRequested;

    /// <summary>Stores a packet's <paramref name="data"/> at <paramref name="offsetInBlock"/> with its chunk <paramref name="checksums"/>.</summary>
    public void Write(long offsetInBlock, ReadOnlySpan<byte> data, ReadOnlySpan<byte> checksums)
    {
        var end = _replica.BytesOnDisk;
        var bytesPerChecksum = _replica.BytesPerChecksum;
        if (offsetInBlock % bytesPerChecksum != 0 || offsetInBlock < end - (end % bytesPerChecksum) || offsetInBlock > end || offsetInBlock + data.Length < end)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"A packet of {data.Length} bytes at offset {offsetInBlock} cannot continue {BlockId}, which holds {end} bytes in chunks of {bytesPerChecksum}.");
        }

        if (checksums.Length != ChunkChecksums.ChecksumBytes(data.Length, bytesPerChecksum))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"{data.Length} bytes need {ChunkChecksums.ChecksumBytes(data.Length, bytesPerChecksum)} checksum bytes, got {checksums.Length}.");
        }

        try
        {
            RandomAccess.Write(_data, data, offsetInBlock);
            RandomAccess.Write(_meta, checksums, ReplicaMetaHeader.Size + (offsetInBlock / bytesPerChecksum * ChunkChecksums.ChecksumSize));
        }
        catch (IOException exception)
        {
            throw FileErrors.FromIOException(exception, "write replica", _replica.DataPath);
        }

        var newEnd = offsetInBlock + data.Length;
        _replica.Volume.AddUsed(newEnd - end);
        _replica.BytesOnDisk = newEnd;
        // A writeback error is not lost: the kernel keeps it for finalize's fsync, which reports it.
        _syncBehind.Written(newEnd);
    }

    /// <summary>Raises the visible length to <paramref name="bytes"/> (every replica downstream has them).</summary>
    public void Acknowledge(long bytes)
    {
        if (bytes > _replica.BytesAcknowledged && bytes <= _replica.BytesOnDisk)
        {
            _replica.BytesAcknowledged = bytes;
        }
    }

    /// <summary>fsyncs data and checksums (hsync, and the first step of finalize).</summary>
    public void Sync()
    {
        try
        {
            RandomAccess.FlushToDisk(_data);
            RandomAccess.FlushToDisk(_meta);
        }
        catch (IOException exception)
        {
            throw FileErrors.FromIOException(exception, "fsync replica", _replica.DataPath);
        }
    }

    /// <summary>Makes the replica durable and finalized; returns the block with its length. Raises RECEIVED.</summary>
    public ExtendedBlock FinalizeReplica()
    {
        Sync();
        return _store.FinalizeReplica(_replica, _owner);
    }

    /// <summary>
    /// Ends a TRANSFER_RBW copy: durable, but left rbw (not finalized) for the writer's streaming recovery
    /// to continue at a new genstamp. Raises RECEIVING again, now with the bytes it holds.
    /// </summary>
    public void SyncAsRbw()
    {
        Sync();
        _store.ReportReceiving(_replica);
    }

    /// <summary>
    /// Closes the files and removes the replica (a checksum error, a full disk): nothing half-written stays.
    /// <paramref name="reason"/>, when given, is why (a DiskFull one is told to a later pipeline recovery).
    /// </summary>
    public void Discard(CkptFsException? reason = null)
    {
        // Removed while this writer still owns it (unlinked files stay valid until closed): after
        // Dispose a recovery may own the replica, and it must not lose it.
        _store.Discard(_replica, _owner, reason);
        Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _data.Dispose();
        _meta.Dispose();
        _store.ReleaseWriter(_replica, _owner);
    }
}
