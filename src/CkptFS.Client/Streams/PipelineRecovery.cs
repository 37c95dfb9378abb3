using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Streams;

/// <summary>
/// Keeps one block going when a DataNode of its pipeline fails mid-block (HDFS
/// DataStreamer.setupPipelineForAppendOrRecovery). One attempt:
///   1. drop the node the failure blames (<see cref="BadNodeChooser"/>) and keep it out of later blocks;
///      none left → the write fails;
///   2. ask <see cref="ReplaceDatanodeOnFailure"/> whether to add nodes; it may, but a new node needs
///      the survivors' bytes first (TRANSFER_RBW, not there yet), so that is logged and the survivors go on;
///   3. UpdateBlockForPipeline: a new generation stamp and token (fences the dropped node's replica);
///   4. set the survivors up in order with stage SETUP_STREAMING_RECOVERY at the bytes acknowledged;
///   5. UpdatePipeline: the NameNode commits the new genstamp, length and nodes;
///   6. resend every unacknowledged packet; the interrupted write goes on.
/// A failure in steps 4-6 starts the next attempt from step 1 with the node it blames; a block gets
/// <see cref="CkptFsClientOptions.PipelineRecoveryAttempts"/> attempts in all. One instance per block.
///
/// Close recovery: when only the last (empty) packet is unacknowledged, every node holds every byte and
/// some may have finalized the replica, which streaming recovery cannot continue (HDFS has a separate
/// stage, PIPELINE_CLOSE_RECOVERY, that the protocol does not have). The nodes before the one an ack
/// blames said SUCCESS for the last packet: they finalized it, and the block ends there as it is; a
/// survivor that refuses streaming recovery with ERROR_EXISTS has finalized it too. Other nodes'
/// replicas are completed by the NameNode's re-replication.
/// </summary>
internal sealed class PipelineRecovery(CkptFsClient client, string path, int replication, ICollection<string> excludedNodes) : IPipelineRecovery
{
    private readonly List<string> _failures = [];
    private int _attempts;

    public async Task RecoverAsync(BlockWriter writer, BlockPipelineException failure, CancellationToken cancellationToken)
    {
        var nodes = writer.Pipeline.ToList();
        while (true)
        {
            var bad = Drop(nodes, failure);
            if (writer.Closing && failure.NodesAcknowledged > 0)
            {
                await FinishAsync(writer, nodes, nodes[..failure.NodesAcknowledged]);
                return;
            }

            var survivors = nodes.Where((_, i) => i != bad).ToList();
            var block = writer.Block;
            ThrowIfHopeless(block, survivors.Count, failure.Code);
            if (ReplaceDatanodeOnFailure.ReplacementsWanted(replication, survivors.Count, writer.Flushed) is > 0 and var wanted)
            {
                PipelineRecoveryLog.ReplacementNotAvailable(client.RecoveryLogger, new BlockId(block.BlockId), path, survivors.Count, replication, wanted);
            }

            var rebuilt = (await client.UpdateBlockForPipelineAsync(path, block, cancellationToken).ConfigureAwait(false)).Clone();
            rebuilt.Locations.Clear();
            rebuilt.Locations.Add(survivors);
            var acknowledged = writer.BytesAcknowledged;
            try
            {
                await writer.ReconnectAsync(rebuilt, cancellationToken).ConfigureAwait(false);
            }
            catch (BlockPipelineException setupFailure) when (writer.Closing && setupFailure.Status == TransferStatus.ErrorExists)
            {
                await FinishAsync(writer, nodes, [survivors[setupFailure.BadNodeIndex]]);
                return;
            }
            catch (BlockPipelineException setupFailure)
            {
                PipelineRecoveryLog.AttemptFailed(client.RecoveryLogger, new BlockId(block.BlockId), path, _attempts, Describe(survivors), setupFailure.Message);
                (nodes, failure) = (survivors, setupFailure);
                continue;
            }

            var newBlock = new ExtendedBlock { BlockId = block.BlockId, GenerationStamp = rebuilt.Block.GenerationStamp, NumBytes = (ulong)acknowledged };
            await client.UpdatePipelineAsync(path, block, newBlock, survivors, cancellationToken).ConfigureAwait(false);
            PipelineRecoveryLog.Recovered(client.RecoveryLogger, new BlockId(block.BlockId), path, Describe(nodes), Describe(survivors),
                new GenerationStamp(block.GenerationStamp), new GenerationStamp(newBlock.GenerationStamp), acknowledged, writer.UnacknowledgedPackets.Count, _attempts, _failures[^1]);
            await writer.ResendAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>Step 1: records the failure, keeps the node it blames out of later blocks; returns that node's index.</summary>
    private int Drop(List<DatanodeId> nodes, BlockPipelineException failure)
    {
        var bad = Math.Clamp(failure.BadNodeIndex, 0, nodes.Count - 1);
        _failures.Add($"{Describe(nodes[bad])}: {failure.Message}");
        if (!excludedNodes.Contains(nodes[bad].DatanodeUuid))
        {
            excludedNodes.Add(nodes[bad].DatanodeUuid);
        }

        return bad;
    }

    private void ThrowIfHopeless(ExtendedBlock block, int survivors, ErrorCode code)
    {
        if (survivors == 0)
        {
            throw GiveUp(block, ErrorCode.NotEnoughDataNodes, "no DataNode of its pipeline is left");
        }

        if (++_attempts > client.Options.PipelineRecoveryAttempts)
        {
            throw GiveUp(block, code,
                $"its pipeline failed {_failures.Count} times, more than the {client.Options.PipelineRecoveryAttempts} recoveries allowed per block ({nameof(CkptFsClientOptions.PipelineRecoveryAttempts)})");
        }
    }

    /// <summary>Close recovery (see the class comment): <paramref name="holders"/> finalized the whole block.</summary>
    private async Task FinishAsync(BlockWriter writer, List<DatanodeId> nodes, IReadOnlyList<DatanodeId> holders)
    {
        var block = writer.Block;
        await writer.FinishWithoutLastAckAsync(holders).ConfigureAwait(false);
        PipelineRecoveryLog.FinishedOnSurvivors(client.RecoveryLogger, new BlockId(block.BlockId), path, Describe(nodes), Describe(holders), writer.BytesWritten, _failures[^1]);
    }

    private CkptFsException GiveUp(ExtendedBlock block, ErrorCode code, string why) => new(code,
        $"Cannot write {path}: {new BlockId(block.BlockId)} cannot go on because {why}. Failures, in order: {string.Join("; ", _failures)}. " +
        "Check the DataNodes ('ckptfs report'), then write the file again.");

    private static string Describe(DatanodeId node) => $"{node.DatanodeUuid}@{DataNodeConnection.AddressOf(node)}";

    private static string Describe(IEnumerable<DatanodeId> nodes) => string.Join(", ", nodes.Select(Describe));
}
