using CkptFS.Common;
using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Step 1 of pipeline recovery (HDFS updateBlockForPipeline): a new genstamp for the writer's last
    /// block, which it gives the rebuilt pipeline (the DataNodes then refuse the old genstamp, so a
    /// node dropped from the pipeline cannot come back with bytes the others never saw). Only the
    /// block's genstamp counter moves here; the block keeps its genstamp until <see cref="UpdatePipelineAsync"/>.
    /// </summary>
    public async Task<FileBlock> UpdateBlockForPipelineAsync(FsPath path, string holder, FileBlock block, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"update the pipeline of {path}");
        return await _committer.SubmitAsync(context =>
        {
            var file = RequireWriter(context.Tree, path, holder, "update the pipeline of");
            RequireSameBlock(path, file.LastBlock, block, "update the pipeline of");
            return file.LastBlock!.Value with { GenerationStamp = context.AllocateGenerationStamp() };
        }, cancellationToken);
    }

    /// <summary>
    /// Step 2 of pipeline recovery (HDFS updatePipeline): the rebuilt pipeline <paramref name="nodes"/>
    /// holds <paramref name="newBlock"/> (the genstamp from step 1, the bytes it acknowledged). The
    /// block takes them; replicas outside the new pipeline are stale and are deleted.
    /// </summary>
    public async Task UpdatePipelineAsync(FsPath path, string holder, FileBlock oldBlock, FileBlock newBlock, IReadOnlyList<string> nodes,
        CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"update the pipeline of {path}");
        if (newBlock.Id != oldBlock.Id || newBlock.GenerationStamp <= oldBlock.GenerationStamp)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot update the pipeline of {path}: the new block {newBlock.Id}_{newBlock.GenerationStamp} must be {oldBlock.Id} with a newer genstamp than {oldBlock.GenerationStamp}.");
        }
        if (nodes.Count == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot update the pipeline of {path}: the new pipeline names no DataNode.");
        }
        await _committer.SubmitAsync(context =>
        {
            var file = RequireWriter(context.Tree, path, holder, "update the pipeline of");
            if (file.LastBlock is { } current && current.Id == newBlock.Id && current.GenerationStamp == newBlock.GenerationStamp)
            {
                // Applied already and retried (its answer lost in a NameNode restart): the block has the
                // new genstamp; only the pipeline, soft state, needs setting again.
                context.OnCommitted(() => _blocks.UpdatePipeline(current, nodes));
                LogRetryAnswered("UpdatePipeline", path, holder, current.ToString());
                return true;
            }
            RequireSameBlock(path, file.LastBlock, oldBlock, "update the pipeline of");
            if (newBlock.GenerationStamp.Value >= context.Counters.NextGenerationStamp)
            {
                throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                    $"Cannot update the pipeline of {path}: genstamp {newBlock.GenerationStamp} was never handed out (ask UpdateBlockForPipeline for one).");
            }
            var updated = file.WithLastBlock(newBlock with { NumBytes = Math.Max(newBlock.NumBytes, file.LastBlock!.Value.NumBytes) });
            context.Put(updated);
            context.Tree = context.Tree.WithReplaced(path, updated);
            var block = updated.LastBlock!.Value;
            context.OnCommitted(() =>
            {
                _blocks.UpdatePipeline(block, nodes);
                LogPipelineUpdated(path, holder, oldBlock, block, string.Join(", ", nodes));
            });
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Replacement DataNodes for a pipeline that lost some (HDFS getAdditionalDatanode): chosen by the
    /// placement policy among nodes in neither <paramref name="existing"/> nor <paramref name="excluded"/>.
    /// </summary>
    public IReadOnlyList<DatanodeSnapshot> GetAdditionalDatanodes(FsPath path, string holder, FileBlock block, IReadOnlyCollection<string> existing,
        IReadOnlyCollection<string> excluded, int additional, string? clientHost)
    {
        if (additional is < 1 or > 16)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot add {additional} DataNodes to the pipeline of {path}: ask for 1..16.");
        }
        var file = RequireWriter(Current, path, holder, "add DataNodes to the pipeline of");
        RequireSameBlock(path, file.LastBlock, block, "add DataNodes to the pipeline of");
        var avoid = new HashSet<string>(existing, StringComparer.Ordinal);
        avoid.UnionWith(excluded);
        return _datanodes.ChooseTargets(additional, avoid, clientHost, file.BlockSize, $"a replacement in the pipeline of {path}", warnWhenShort: true);
    }
}
