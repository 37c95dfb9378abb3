using System.Collections.Immutable;
using CkptFS.Common;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Takes over a file another client was writing (HDFS recoverLease). A closed file: true. A file
    /// under recovery: false (call again). A file still open by a live writer (its soft limit not
    /// passed, and not <paramref name="force"/>): <see cref="ErrorCode.LeaseHeldByOther"/> naming the
    /// holder and when the file can be taken over. Otherwise recovery starts (<see cref="StartLeaseRecoveryAsync"/>).
    /// </summary>
    public async Task<bool> RecoverLeaseAsync(FsPath path, string requester, bool force, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(requester))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot recover the lease of {path}: no holder (client name) given.");
        }
        var file = RequireFile(Current, path);
        if (!file.IsUnderConstruction)
        {
            return true;
        }
        var holder = file.LeaseHolder;
        var takeable = force || string.Equals(holder, requester, StringComparison.Ordinal) || _leases.IsSoftLimitExpired(holder);
        if (!takeable && !IsRecoveryHolder(holder))
        {
            throw new CkptFsException(ErrorCode.LeaseHeldByOther,
                $"Cannot recover the lease of {path}: {_leases.Describe(holder)}. Wait, or force the recovery if its writer is known to be dead.");
        }
        return await StartLeaseRecoveryAsync(new OpenFile(file.Id, path, holder), $"recover-lease by {requester}{(force ? " (forced)" : string.Empty)}", cancellationToken);
    }

    /// <summary>
    /// Lease recovery of one open file (HDFS internalReleaseLease); returns true when the file is
    /// closed when it returns. In one durable mutation:
    ///   - no blocks: the file is closed as it is;
    ///   - a last block that no live DataNode holds and the writer never reported a byte of: it is
    ///     dropped (nothing was acknowledged) and the file closed;
    ///   - otherwise the file passes to <see cref="LeaseManager.RecoveryHolder"/> (so the old
    ///     writer's Complete, AddBlock and UpdateLength are refused from now on), a new genstamp is
    ///     allocated as the recovery id (the DataNodes refuse the old writer's packets once their
    ///     replicas take it), and the last block's primary replica, the live one that heartbeated
    ///     last, is told to run block recovery. The file closes when it commits
    ///     (<see cref="CommitBlockSynchronizationAsync"/>).
    /// A recovery started less than the recovery timeout ago is left to finish; an older one is
    /// started again with a new id (its primary may be dead).
    /// </summary>
    public async Task<bool> StartLeaseRecoveryAsync(OpenFile open, string reason, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"recover the lease of {open.Path}");
        return await _committer.SubmitAsync(context =>
        {
            if (FindFile(context.Tree, open.File, open.Path) is not var (path, file) || !file.IsUnderConstruction)
            {
                return true;
            }
            if (_recoveries.IsInProgress(file.Id))
            {
                return false;
            }
            if (file.LastBlock is not { } last)
            {
                CloseOnCommit(context, path, file, file.Blocks);
                context.OnCommitted(() => RecordLeaseRecovered(path, file.LeaseHolder, "no blocks"));
                return true;
            }
            var replicas = LiveRecoveryLocations(last);
            if (replicas.Count == 0)
            {
                if (last.NumBytes == 0)
                {
                    CloseOnCommit(context, path, file, file.Blocks.RemoveAt(file.Blocks.Length - 1));
                    context.OnCommitted(() =>
                    {
                        _blocks.RemoveBlocks([last]);
                        RecordLeaseRecovered(path, file.LeaseHolder, $"empty last block {last.Id} dropped");
                    });
                    return true;
                }
                throw new CkptFsException(ErrorCode.RecoveryInProgress,
                    $"Cannot recover {path} yet: no live DataNode holds its last block {last.Id}, of which {last.NumBytes} bytes were acknowledged; recovery goes on when one reports it.");
            }
            var recoveryId = context.AllocateGenerationStamp();
            var recovering = IsRecoveryHolder(file.LeaseHolder) ? file : file with { LeaseHolder = LeaseManager.RecoveryHolder };
            if (!ReferenceEquals(recovering, file))
            {
                context.Put(recovering);
                context.Tree = context.Tree.WithReplaced(path, recovering);
            }
            var recovery = new BlockRecovery(file.Id, path, last, recoveryId, replicas[0].Uuid, [.. replicas.Select(r => r.Address)], default);
            context.OnCommitted(() =>
            {
                _leases.Add(LeaseManager.RecoveryHolder, file.Id, path);
                _recoveries.Start(recovery);
                LogLeaseRecoveryStarted(path, file.LeaseHolder, last, recoveryId, recovery.Primary, recovery.Replicas.Count, reason);
            });
            return false;
        }, cancellationToken);
    }

    /// <summary>
    /// The primary DataNode's report that a block recovery is done (HDFS commitBlockSynchronization):
    /// the replicas in <paramref name="newTargets"/> hold <paramref name="newLength"/> bytes at genstamp
    /// <paramref name="recoveryId"/> (or, with <paramref name="deleteBlock"/>, nothing worth keeping).
    /// Accepted only for the recovery under way with that id; a repeat of one that already closed the
    /// file is success. The last block takes the new genstamp and length (or is dropped), the file is
    /// closed and its lease released, and replicas left out of the recovery are deleted.
    /// </summary>
    public async Task CommitBlockSynchronizationAsync(FileBlock block, GenerationStamp recoveryId, long newLength, bool deleteBlock,
        IReadOnlyList<string> newTargets, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"commit the recovery of {block.Id}");
        ArgumentOutOfRangeException.ThrowIfNegative(newLength);
        var inode = _blocks.FindOwner(block.Id)
            ?? throw new CkptFsException(ErrorCode.BlockNotFound, $"Cannot commit the recovery of {block.Id}: no file has that block (deleted?).");
        var recovery = _recoveries.Find(inode);
        await _committer.SubmitAsync(context =>
        {
            if (FindFile(context.Tree, inode, recovery?.Path) is not var (path, file))
            {
                throw new CkptFsException(ErrorCode.BlockNotFound, $"Cannot commit the recovery of {block.Id}: its file is gone.");
            }
            var last = file.LastBlock;
            if (!file.IsUnderConstruction && last is { } closed && closed.Id == block.Id && closed.GenerationStamp == recoveryId)
            {
                return false; // a retry of the commit that closed it
            }
            if (!file.IsUnderConstruction || last?.Id != block.Id)
            {
                throw new CkptFsException(ErrorCode.FileNotUnderConstruction,
                    $"Cannot commit the recovery of {block.Id}: {path} is {(file.IsUnderConstruction ? $"open with last block {last?.Id}" : "closed")}.");
            }
            if (recovery is null || recovery.RecoveryId != recoveryId)
            {
                throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                    $"Cannot commit the recovery of {block.Id} with id {recoveryId}: the recovery under way has id {recovery?.RecoveryId.ToString() ?? "(none)"}.");
            }
            if (newLength > file.BlockSize)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"Cannot commit the recovery of {block.Id}: length {newLength} is more than the block size {file.BlockSize}.");
            }
            var recovered = last.Value with { GenerationStamp = recoveryId, NumBytes = newLength };
            var blocks = deleteBlock ? file.Blocks.RemoveAt(file.Blocks.Length - 1) : file.Blocks.SetItem(file.Blocks.Length - 1, recovered);
            CloseOnCommit(context, path, file, blocks);
            context.OnCommitted(() =>
            {
                if (deleteBlock)
                {
                    _blocks.RemoveBlocks([last.Value]);
                }
                else
                {
                    _blocks.CommitRecoveredBlock(recovered, newTargets);
                }
                _recoveries.Finish(file.Id);
                LogLeaseRecovered(path, recovered, deleteBlock, newTargets.Count);
                RecordLeaseRecovered(path, holder: null, deleteBlock ? $"last block {last.Value.Id} dropped" : $"last block {recovered} on {newTargets.Count} replicas");
            });
            return true;
        }, cancellationToken);
    }

    /// <summary>Every file under construction with its path (at start: the leases to rebuild).</summary>
    public static IEnumerable<(FsPath Path, FileInode File)> FilesUnderConstruction(NamespaceTree tree)
    {
        foreach (var (parent, inode) in WalkWithParentPaths(tree))
        {
            if (inode is FileInode { IsUnderConstruction: true } file)
            {
                yield return (parent!.Child(file.Name), file);
            }
        }
    }

    internal static bool IsRecoveryHolder(string holder) => string.Equals(holder, LeaseManager.RecoveryHolder, StringComparison.Ordinal);

    /// <summary>Closes <paramref name="file"/> with <paramref name="blocks"/> and releases its lease once durable.</summary>
    private void CloseOnCommit(MutationContext context, FsPath path, FileInode file, ImmutableArray<FileBlock> blocks)
    {
        var closed = file with { Blocks = blocks, LeaseHolder = string.Empty, ModificationTimeMs = context.NowMs, AccessTimeMs = context.NowMs };
        context.Put(closed);
        context.Tree = context.Tree.WithReplaced(path, closed);
        context.OnCommitted(() =>
        {
            _leases.Remove(file.Id);
            if (closed.LastBlock is { } lastBlock)
            {
                _blocks.UpdateBlock(lastBlock, complete: true);
            }
        });
    }

    /// <summary>The last block's replica holders (reported or expected) that are not dead, the one heard from last first.</summary>
    private List<DatanodeSnapshot> LiveRecoveryLocations(FileBlock block) =>
        _blocks.GetRecoveryLocations(block.Id)
            .Select(_datanodes.Find)
            .OfType<DatanodeSnapshot>()
            .Where(n => n.State != DatanodeLiveness.Dead)
            .OrderBy(n => n.State == DatanodeLiveness.Live ? 0 : 1)
            .ThenByDescending(n => n.LastHeartbeat)
            .ToList();

    /// <summary>
    /// The file with inode <paramref name="id"/> and its path: at <paramref name="hint"/> when it is
    /// still there, else found by a walk of the tree (it was renamed; recoveries are rare, so the
    /// walk's cost is fine). Null when the file no longer exists.
    /// </summary>
    private static (FsPath Path, FileInode File)? FindFile(NamespaceTree tree, InodeId id, FsPath? hint)
    {
        if (hint is not null && tree.Find(hint) is FileInode atHint && atHint.Id == id)
        {
            return (hint, atHint);
        }
        foreach (var (parent, inode) in WalkWithParentPaths(tree))
        {
            if (inode is FileInode file && file.Id == id)
            {
                return (parent!.Child(file.Name), file);
            }
        }
        return null;
    }

    /// <summary>
    /// Every inode with the path of its parent directory (null for the root): one path is built per
    /// directory, and a file's own path only for the files a caller wants (start-up walks every inode).
    /// </summary>
    private static IEnumerable<(FsPath? ParentPath, Inode Inode)> WalkWithParentPaths(NamespaceTree tree) =>
        Walk<FsPath?>(null, tree.Root, static (parent, directory) => parent is null ? FsPath.Root : parent.Child(directory.Name));

    private void RecordLeaseRecovered(FsPath path, string? holder, string how) =>
        Events?.Add(NameNodeEventKind.LeaseRecovered, path.Value,
            $"Lease recovery closed {path}{(holder is null ? string.Empty : $" (was held by {holder})")}: {how}");
}
