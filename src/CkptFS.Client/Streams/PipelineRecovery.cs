using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.Client.Streams;

/// <summary>
/// Keeps one block going when a DataNode of its pipeline fails mid-block (HDFS
/// DataStreamer.setupPipelineForAppendOrRecovery). One attempt:
///   1. drop the node the failure blames (<see cref="BadNodeChooser"/>) and keep it out of later blocks;
///      none left → the write fails;
///   2. ask <see cref="ReplaceDatanodeOnFailure"/> whether to add nodes; when it does (HDFS
///      addDatanode2ExistingPipeline), GetAdditionalDatanode names them and the last survivor copies the
///      acknowledged bytes to them (TRANSFER_BLOCK, stage TRANSFER_RBW), so they join the pipeline at the
///      end; when none can be had or the copy fails, that is logged and the survivors go on alone;
///   3. UpdateBlockForPipeline: a new generation stamp and token (fences the dropped node's replica);
///   4. set the survivors up in order with stage SETUP_STREAMING_RECOVERY at the bytes acknowledged;
///   5. UpdatePipeline: the NameNode commits the new genstamp, length and nodes;
///   6. resend every unacknowledged packet; the interrupted write goes on.
/// A failure in steps 4-6 starts the next attempt from step 1 with the node it blames; a block gets
/// <see cref="CkptFsClientOptions.PipelineRecoveryAttempts"/> attempts in all. One instance per block.
///
/// Close recovery: when only the last (empty) packet is unacknowledged, every node holds every byte.
/// A node finalizes once everything downstream of it acked the last packet, so when the pipeline fails
/// there, the nodes downstream of the failure may have finalized, which streaming recovery cannot
/// continue (HDFS has a stage for it, PIPELINE_CLOSE_RECOVERY, that the protocol does not have). Such a
/// survivor refuses the setup with ERROR_EXISTS: it is set aside and the others go on as above (its
/// replica, at the old genstamp, is then stale and replaced by re-replication). When only such nodes
/// are left, the block ends on them as it is, at its current genstamp.
///
/// A full disk: a node that cannot store a packet says ERROR_DISK_FULL in its ack slot, and one that
/// discarded its replica for lack of space refuses the recovery setup with it. Such a node is dropped
/// like any other and also added to <paramref name="fullNodes"/>; when every node of the pipeline was
/// dropped that way, the write fails with <see cref="ErrorCode.DiskFull"/> (the DataNodes are full:
/// retrying or waiting does not help), not with NotEnoughDataNodes.
/// </summary>
internal sealed class PipelineRecovery(IPipelineCoordinator nameNode, string path, int replication, int maxAttempts, ICollection<string> excludedNodes, ILogger logger,
    ICollection<string>? fullNodes = null)
    : IPipelineRecovery
{
    private readonly List<string> _failures = [];
    private readonly List<DatanodeId> _dropped = [];
    private readonly List<DatanodeId> _droppedFull = [];
    private readonly List<DatanodeId> _finalized = [];
    private int _attempts;

    public async Task RecoverAsync(BlockWriter writer, BlockPipelineException failure, CancellationToken cancellationToken)
    {
        var nodes = writer.Pipeline.ToList();
        while (true)
        {
            var bad = Drop(nodes, failure);
            var survivors = nodes.Where((_, i) => i != bad).ToList();
            var block = writer.Block;
            if (survivors.Count == 0 && _finalized.Count > 0)
            {
                await FinishAsync(writer, block);
                return;
            }

            ThrowIfHopeless(block, survivors.Count, failure.Code);
            if (ReplaceDatanodeOnFailure.ReplacementsWanted(replication, survivors.Count, writer.Flushed) is > 0 and var wanted && !writer.Closing)
            {
                survivors = await AddReplacementsAsync(writer, block, survivors, wanted, cancellationToken).ConfigureAwait(false);
            }

            var rebuilt = (await nameNode.UpdateBlockForPipelineAsync(path, block, cancellationToken).ConfigureAwait(false)).Clone();
            rebuilt.Locations.Clear();
            rebuilt.Locations.Add(survivors);
            var acknowledged = writer.BytesAcknowledged;
            try
            {
                await writer.ReconnectAsync(rebuilt, cancellationToken).ConfigureAwait(false);
            }
            catch (BlockPipelineException setupFailure)
            {
                if (writer.Closing && setupFailure.Status == TransferStatus.ErrorExists)
                {
                    _finalized.Add(survivors[Math.Clamp(setupFailure.BadNodeIndex, 0, survivors.Count - 1)]);
                }

                PipelineRecoveryLog.AttemptFailed(logger, new BlockId(block.BlockId), path, _attempts, Describe(survivors), setupFailure.Message);
                (nodes, failure) = (survivors, setupFailure);
                continue;
            }

            var newBlock = new ExtendedBlock { BlockId = block.BlockId, GenerationStamp = rebuilt.Block.GenerationStamp, NumBytes = (ulong)acknowledged };
            await nameNode.UpdatePipelineAsync(path, block, newBlock, survivors, cancellationToken).ConfigureAwait(false);
            PipelineRecoveryLog.Recovered(logger, new BlockId(block.BlockId), path, Describe(nodes), Describe(survivors),
                new GenerationStamp(block.GenerationStamp), new GenerationStamp(newBlock.GenerationStamp), acknowledged, writer.UnacknowledgedPackets.Count, _attempts, _failures[^1]);
            await writer.ResendAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>Step 1: records the failure, keeps the node it blames out of later blocks (unless it only finalized early); returns that node's index.</summary>
    private int Drop(List<DatanodeId> nodes, BlockPipelineException failure)
    {
        var bad = Math.Clamp(failure.BadNodeIndex, 0, nodes.Count - 1);
        _failures.Add($"{Describe(nodes[bad])}: {failure.Message}");
        _dropped.Add(nodes[bad]);
        if (IsDiskFull(failure))
        {
            _droppedFull.Add(nodes[bad]);
            if (fullNodes is not null && !fullNodes.Contains(nodes[bad].DatanodeUuid))
            {
                fullNodes.Add(nodes[bad].DatanodeUuid);
            }
        }
        if (!_finalized.Contains(nodes[bad]) && !excludedNodes.Contains(nodes[bad].DatanodeUuid))
        {
            excludedNodes.Add(nodes[bad].DatanodeUuid);
        }

        return bad;
    }

    /// <summary>
    /// Step 2: the survivors followed by up to <paramref name="wanted"/> new nodes holding the acknowledged
    /// bytes, or the survivors alone when no node can be added (logged; the NameNode re-replicates later).
    /// </summary>
    private async Task<List<DatanodeId>> AddReplacementsAsync(BlockWriter writer, ExtendedBlock block, List<DatanodeId> survivors, int wanted, CancellationToken cancellationToken)
    {
        var id = new BlockId(block.BlockId);
        var acknowledged = writer.BytesAcknowledged;
        if (acknowledged == 0)
        {
            PipelineRecoveryLog.ReplacementSkipped(logger, id, path, survivors.Count, replication, wanted, "no byte was acknowledged yet, so there is nothing to copy");
            return survivors;
        }

        try
        {
            var located = await nameNode.GetAdditionalDatanodeAsync(path, block, survivors, excludedNodes, wanted, cancellationToken).ConfigureAwait(false);
            var added = located.Locations.Skip(survivors.Count).ToList();
            var copied = new ExtendedBlock { BlockId = block.BlockId, GenerationStamp = block.GenerationStamp, NumBytes = (ulong)acknowledged };
            await TransferBlockClient.TransferRbwAsync(survivors[^1], copied, located.Token, writer.ClientName, added, writer.Options.BytesPerChecksum,
                writer.Options.ReadTimeout, DataTransferDialer.For(writer.Options.TlsCaFile), cancellationToken).ConfigureAwait(false);
            PipelineRecoveryLog.Replaced(logger, id, path, Describe(added), Describe(survivors[^1]), acknowledged);
            return [.. survivors, .. added];
        }
        catch (CkptFsException e) when (e is not BlockPipelineException)
        {
            if (e is TransferBlockException { BadTarget: { } target } && !excludedNodes.Contains(target.DatanodeUuid))
            {
                excludedNodes.Add(target.DatanodeUuid);
            }

            PipelineRecoveryLog.ReplacementSkipped(logger, id, path, survivors.Count, replication, wanted, e.Message);
            return survivors;
        }
    }

    private void ThrowIfHopeless(ExtendedBlock block, int survivors, ErrorCode code)
    {
        if (survivors == 0 && _droppedFull.Count == _dropped.Count)
        {
            throw new CkptFsException(ErrorCode.DiskFull,
                $"Cannot write {path}: the DataNodes are full. Every DataNode of the pipeline of {new BlockId(block.BlockId)} ran out of space " +
                $"({Describe(_droppedFull.Distinct())}). Failures, in order: {string.Join("; ", _failures)}. " +
                "Free space on the DataNodes ('ckptfs report' shows it) or add some, then write the file again.");
        }

        if (survivors == 0)
        {
            var full = _droppedFull.Count > 0 ? $" ({Describe(_droppedFull.Distinct())} full)" : "";
            throw GiveUp(block, ErrorCode.NotEnoughDataNodes, $"no DataNode of its pipeline is left{full}");
        }

        if (++_attempts > maxAttempts)
        {
            throw GiveUp(block, code,
                $"its pipeline failed {_failures.Count} times, more than the {maxAttempts} recoveries allowed per block ({nameof(CkptFsClientOptions.PipelineRecoveryAttempts)})");
        }
    }

    /// <summary>Close recovery (see the class comment): the nodes set aside finalized the whole block; it ends on them.</summary>
    private async Task FinishAsync(BlockWriter writer, ExtendedBlock block)
    {
        await writer.FinishWithoutLastAckAsync(_finalized).ConfigureAwait(false);
        PipelineRecoveryLog.FinishedOnFinalized(logger, new BlockId(block.BlockId), path, Describe(_finalized), writer.BytesWritten, string.Join("; ", _failures));
    }

    private CkptFsException GiveUp(ExtendedBlock block, ErrorCode code, string why) => new(code,
        $"Cannot write {path}: {new BlockId(block.BlockId)} cannot go on because {why}. Failures, in order: {string.Join("; ", _failures)}. " +
        "Check the DataNodes ('ckptfs report'), then write the file again.");

    /// <summary>The node ran out of space: ERROR_DISK_FULL in its ack slot or setup response (or DiskFull as the code).</summary>
    internal static bool IsDiskFull(BlockPipelineException failure) => failure.Status == TransferStatus.ErrorDiskFull || failure.Code == ErrorCode.DiskFull;

    private static string Describe(DatanodeId node) => $"{node.DatanodeUuid}@{DataNodeConnection.AddressOf(node)}";

    private static string Describe(IEnumerable<DatanodeId> nodes) => string.Join(", ", nodes.Select(Describe));
}
