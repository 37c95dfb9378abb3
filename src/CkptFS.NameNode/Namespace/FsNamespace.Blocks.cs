using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Allocates the next block of a file under construction by <paramref name="holder"/> (HDFS addBlock):
    ///   1. <paramref name="previous"/> must be the file's current last block (null for the first
    ///      block); its length, as the writer finished it, becomes final;
    ///   2. the block before <paramref name="previous"/> must have its minimum finalized replicas
    ///      reported, else <see cref="ErrorCode.NotEnoughReplicas"/> (transient: retry with back-off).
    ///      As in HDFS this checks the penultimate block, not <paramref name="previous"/> itself:
    ///      the DataNodes' reports of the block just finished arrive ~100 ms later, and waiting for
    ///      them would stall the writer once per block; Complete checks every block;
    ///   3. targets are chosen by the placement policy (never the <paramref name="excluded"/> uuids, never
    ///      a node without room for the block: none with room is DiskFull, the cluster is full);
    ///   4. a new block id and genstamp, persisted with the file's new block list in one batch, with
    ///      <paramref name="callId"/> as the file's <see cref="FileInode.LastCallId"/>.
    /// The same call retried after a NameNode restart (its answer lost with the in-memory retry
    /// cache; HDFS's "onRetryBlock") finds its block already the file's last: that block is answered
    /// again, with targets chosen anew (the writer never reached the first ones; pipelines are soft state).
    /// </summary>
    public async Task<AllocatedBlock> AddBlockAsync(FsPath path, string holder, FileBlock? previous, IReadOnlySet<string> excluded, string? clientHost,
        CancellationToken cancellationToken = default, ulong callId = 0)
    {
        _blocks.ThrowIfSafeMode($"add a block to {path}");
        return await _committer.SubmitAsync(context =>
        {
            var open = RequireWriter(context.Tree, path, holder, "add a block to");
            if (open.IsLastCall(holder, callId) && open.LastBlock is { } allocated)
            {
                return AnswerRetriedAddBlock(context, path, open, allocated, excluded, clientHost);
            }
            var file = WithReportedLastBlock(path, open, previous, "add a block to");
            if (file.Blocks.Length >= 2)
            {
                RequireMinReplicas(path, file.Blocks[^2]);
            }
            return AllocateBlock(context, path, file, excluded, clientHost, callId);
        }, cancellationToken);
    }

    /// <summary>Steps 3 and 4 of AddBlock, inside a mutation (also Create's first block): targets, a new block, the file's new block list.</summary>
    private AllocatedBlock AllocateBlock(MutationContext context, FsPath path, FileInode file, IReadOnlySet<string> excluded, string? clientHost, ulong callId)
    {
        // The quota first: the new block counts at its full size from now on (HDFS), and a refused
        // block must not have touched the DataNodes' load accounting that choosing targets updates.
        var block = new FileBlock(context.AllocateBlockId(), context.AllocateGenerationStamp(), 0);
        var offset = file.Length;
        var updated = file with { Blocks = file.Blocks.Add(block), ModificationTimeMs = context.NowMs, LastCallId = callId };
        var tree = context.Tree.WithReplaced(path, updated);
        VerifyQuotas(context.Tree, tree, path, $"allocate a block of {path}");
        var targets = _datanodes.ChooseTargets(file.Replication, excluded, clientHost, file.BlockSize, $"a block of {path}", warnWhenShort: true);
        context.Put(updated);
        context.Tree = tree;
        var finished = file.LastBlock;
        var pipeline = targets.Select(t => t.Uuid).ToList();
        context.OnCommitted(() =>
        {
            if (finished is { } done)
            {
                _blocks.UpdateBlock(done, complete: true);
            }
            _blocks.AddBlock(block, file.Id, file.Replication, pipeline);
        });
        return new AllocatedBlock(block, offset, targets);
    }

    /// <summary>The block a retried AddBlock allocated the first time, with a fresh pipeline (nothing to persist: the block is already durable).</summary>
    private AllocatedBlock AnswerRetriedAddBlock(MutationContext context, FsPath path, FileInode file, FileBlock allocated, IReadOnlySet<string> excluded, string? clientHost)
    {
        var targets = _datanodes.ChooseTargets(file.Replication, excluded, clientHost, file.BlockSize, $"a block of {path}");
        var pipeline = targets.Select(t => t.Uuid).ToList();
        context.OnCommitted(() => _blocks.UpdatePipeline(allocated, pipeline));
        LogAddBlockRetried(path, file.LeaseHolder, allocated);
        return new AllocatedBlock(allocated, file.Length - allocated.NumBytes, targets);
    }

    /// <summary>
    /// Gives up the last block (its pipeline could not be set up; HDFS abandonBlock). Abandoning a
    /// block the file no longer has is success (a retry); any other block than the last is refused.
    /// </summary>
    public async Task AbandonBlockAsync(FsPath path, string holder, FileBlock block, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"abandon a block of {path}");
        await _committer.SubmitAsync(context =>
        {
            var file = RequireWriter(context.Tree, path, holder, "abandon a block of");
            if (!file.Blocks.Any(b => b.Id == block.Id))
            {
                return false;
            }
            if (file.LastBlock!.Value.Id != block.Id)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"Cannot abandon {block.Id} of {path}: only the last block ({file.LastBlock.Value.Id}) can be abandoned.");
            }
            var updated = file with { Blocks = file.Blocks.RemoveAt(file.Blocks.Length - 1), ModificationTimeMs = context.NowMs };
            context.Put(updated);
            context.Tree = context.Tree.WithReplaced(path, updated);
            var abandoned = file.LastBlock.Value;
            context.OnCommitted(() => _blocks.RemoveBlocks([abandoned]));
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// hflush visibility: the writer reports how many bytes of its last block every replica has
    /// acknowledged; readers see the file up to there. The length only grows (a late, smaller report
    /// is ignored). Returns the file's readable length.
    /// </summary>
    public async Task<long> UpdateLengthAsync(FsPath path, string holder, FileBlock last, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"update the length of {path}");
        return await _committer.SubmitAsync(context =>
        {
            var file = RequireWriter(context.Tree, path, holder, "update the length of");
            var current = file.LastBlock;
            RequireSameBlock(path, current, last, "update the length of");
            if (last.NumBytes <= current!.Value.NumBytes)
            {
                return file.Length;
            }
            var updated = file.WithLastBlock(current.Value with { NumBytes = last.NumBytes });
            context.Put(updated);
            context.Tree = context.Tree.WithReplaced(path, updated);
            var block = updated.LastBlock!.Value;
            context.OnCommitted(() => _blocks.UpdateBlock(block, complete: false));
            return updated.Length;
        }, cancellationToken);
    }

    /// <summary>The file at <paramref name="path"/>, which must be open for write by <paramref name="holder"/>.</summary>
    private static FileInode RequireWriter(NamespaceTree tree, FsPath path, string holder, string operation)
    {
        var file = RequireFile(tree, path);
        if (!file.IsUnderConstruction)
        {
            throw new CkptFsException(ErrorCode.FileNotUnderConstruction, $"Cannot {operation} {path}: it is not open for write (closed files are immutable).");
        }
        if (IsRecoveryHolder(file.LeaseHolder))
        {
            throw new CkptFsException(ErrorCode.LeaseNotHeld,
                $"Cannot {operation} {path}: {holder} no longer holds its lease; the file is under lease recovery (the lease expired or another client took it over).");
        }
        if (!string.Equals(file.LeaseHolder, holder, StringComparison.Ordinal))
        {
            throw new CkptFsException(ErrorCode.LeaseNotHeld,
                $"Cannot {operation} {path}: it is being written by {file.LeaseHolder}, not by {holder}.");
        }
        return file;
    }

    /// <summary>
    /// Checks that the block a writer names is the file's last block (none when the file has none)
    /// and records the length the writer finished it with.
    /// </summary>
    private static FileInode WithReportedLastBlock(FsPath path, FileInode file, FileBlock? reported, string operation)
    {
        if (reported is null)
        {
            return file.LastBlock is { } last
                ? throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"Cannot {operation} {path}: the request names no block, but the file's last block is {last.Id}; send it (previous/last) with its final length.")
                : file;
        }
        RequireSameBlock(path, file.LastBlock, reported.Value, operation);
        if (reported.Value.NumBytes > file.BlockSize)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot {operation} {path}: {reported.Value.Id} is reported with {reported.Value.NumBytes} bytes, more than the block size {file.BlockSize}.");
        }
        return reported.Value.NumBytes == file.LastBlock!.Value.NumBytes ? file : file.WithLastBlock(reported.Value);
    }

    private static void RequireSameBlock(FsPath path, FileBlock? last, FileBlock reported, string operation)
    {
        if (last is null)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot {operation} {path}: the request names {reported.Id}, but the file has no blocks.");
        }
        if (last.Value.Id != reported.Id)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot {operation} {path}: the request names {reported.Id}, but the file's last block is {last.Value.Id}.");
        }
        if (last.Value.GenerationStamp != reported.GenerationStamp)
        {
            throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                $"Cannot {operation} {path}: {reported.Id} is named with genstamp {reported.GenerationStamp}, but the block's genstamp is {last.Value.GenerationStamp}.");
        }
    }

    private void RequireMinReplicas(FsPath path, FileBlock block)
    {
        var finalized = _blocks.CountFinalizedReplicas(block.Id);
        if (finalized < _blocks.Options.MinReplication)
        {
            throw new CkptFsException(ErrorCode.NotEnoughReplicas,
                $"Cannot add a block to {path} yet: {block.Id} has {finalized} of its minimum {_blocks.Options.MinReplication} finalized replicas reported; retry shortly.");
        }
    }
}
