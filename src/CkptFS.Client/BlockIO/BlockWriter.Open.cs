using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>Step 1 of <see cref="BlockWriter"/>: connect to the first DataNode and set the pipeline up.</summary>
public sealed partial class BlockWriter
{
    public static Task<BlockWriter> OpenAsync(LocatedBlock block, string clientName, BlockWriterOptions options, CancellationToken cancellationToken) =>
        OpenAsync(block, clientName, PipelineStage.SetupCreate, options, recovery: null, cancellationToken);

    /// <summary>
    /// Also opens a DataNode-to-DataNode copy: stage TRANSFER_FINALIZED, an empty
    /// <paramref name="clientName"/> and a COPY token (re-replication; the DataNode is the writer).
    /// </summary>
    public static Task<BlockWriter> OpenAsync(LocatedBlock block, string clientName, PipelineStage stage, BlockWriterOptions options, CancellationToken cancellationToken) =>
        OpenAsync(block, clientName, stage, options, recovery: null, cancellationToken);

    /// <summary>A new block (stage CREATE) whose pipeline failures mid-block go to <paramref name="recovery"/>.</summary>
    internal static Task<BlockWriter> OpenAsync(LocatedBlock block, string clientName, BlockWriterOptions options, IPipelineRecovery recovery, CancellationToken cancellationToken) =>
        OpenAsync(block, clientName, PipelineStage.SetupCreate, options, recovery, cancellationToken);

    private static async Task<BlockWriter> OpenAsync(LocatedBlock block, string clientName, PipelineStage stage, BlockWriterOptions options, IPipelineRecovery? recovery, CancellationToken cancellationToken)
    {
        options.Validate();
        var connection = await SetUpAsync(block, clientName, stage, minBytesReceived: 0, options, cancellationToken).ConfigureAwait(false);
        return new BlockWriter(block, clientName, options, connection, recovery);
    }

    /// <summary>
    /// Connects to the first node of <paramref name="block"/>'s locations and sets the pipeline up
    /// (header, then the setup response); any failure is a <see cref="BlockPipelineException"/> naming the node.
    /// </summary>
    private static async Task<DataNodeConnection> SetUpAsync(LocatedBlock block, string clientName, PipelineStage stage, long minBytesReceived, BlockWriterOptions options, CancellationToken cancellationToken)
    {
        if (block.Locations.Count == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"{new BlockId(block.Block.BlockId)} has no DataNodes to write to.");
        }

        var first = block.Locations[0];
        DataNodeConnection connection;
        try
        {
            connection = await DataNodeConnection.ConnectAsync(first, options.ConnectTimeout, DataTransferDialer.For(options.TlsCaFile), cancellationToken).ConfigureAwait(false);
        }
        catch (CkptFsException exception) when (exception.Code != ErrorCode.TlsMismatch)
        {
            throw new BlockPipelineException(exception.Code, 0, first, "", TransferStatus.Error, exception.Message, exception);
        }

        try
        {
            var header = new OpWriteBlockHeader
            {
                Block = new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = block.Block.GenerationStamp },
                Token = block.Token,
                ClientName = clientName,
                Stage = stage,
                BytesPerChecksum = (uint)options.BytesPerChecksum,
                MinBytesReceived = (ulong)minBytesReceived,
            };
            header.Targets.Add(block.Locations.Skip(1));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ReadTimeout);
            await DataTransferCodec.WriteRequestAsync(connection.Output, DataTransferOp.WriteBlock, header, deadline.Token).ConfigureAwait(false);
            var response = await DataTransferCodec.ReadMessageAsync(connection.Input, BlockOpResponse.Parser, deadline.Token).ConfigureAwait(false);
            if (response.Status != TransferStatus.Success)
            {
                throw SetupFailure(block, response);
            }

            return connection;
        }
        catch (Exception exception) when (exception is not BlockPipelineException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new BlockPipelineException(ErrorCode.Unavailable, 0, first, "", TransferStatus.Error,
                $"Pipeline setup of {new BlockId(block.Block.BlockId)} with DataNode {connection.Address} failed: {exception.Message}", exception);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static BlockPipelineException SetupFailure(LocatedBlock block, BlockOpResponse response)
    {
        var index = BadNodeChooser.FromSetup(response.FirstBadLink, block.Locations);
        return new BlockPipelineException(DataNodeConnection.CodeOf(response), index, block.Locations[index], response.FirstBadLink, response.Status,
            $"Pipeline setup of {new BlockId(block.Block.BlockId)} failed at DataNode {DataNodeConnection.AddressOf(block.Locations[index])} (index {index}): {response.Status} {response.Message}");
    }
}
