using System.Net.Sockets;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// The writer's side of TRANSFER_BLOCK (HDFS DataStreamer.transfer, step 1 of adding a replacement
/// DataNode to a pipeline mid-block): ask a surviving DataNode to copy the acknowledged prefix of its
/// replica to the new node(s), which keep it rbw. Step 2 is the writer's: a new genstamp and a
/// SETUP_STREAMING_RECOVERY pipeline with min_bytes_received = that prefix, the new node(s) included.
/// It lives here, not in the client, so that a DataNode or a tool can run it too.
/// </summary>
public static class TransferBlockClient
{
    /// <summary>
    /// Copies the first <c>block.NumBytes</c> bytes of <paramref name="source"/>'s replica of
    /// <paramref name="block"/> (at its CURRENT genstamp) to <paramref name="targets"/>; returns once every
    /// target acknowledged the copy (durable, rbw). Throws <see cref="TransferBlockException"/> (see its
    /// BadTarget) with the DataNode's ErrorCode: InvalidAccessToken, BlockNotFound (no replica, or fewer
    /// bytes than asked), StaleGenerationStamp (the replica's genstamp differs, or a target already has
    /// one as new), ChecksumMismatch (the source's copy is corrupt), Unavailable (a node unreachable, cut,
    /// or no answer within <paramref name="timeout"/>, which bounds the whole copy).
    /// </summary>
    public static async Task TransferRbwAsync(DatanodeId source, ExtendedBlock block, AccessToken token, string clientName, IReadOnlyList<DatanodeId> targets,
        int bytesPerChecksum, TimeSpan timeout, DataTransferDialer dialer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentOutOfRangeException.ThrowIfZero(targets.Count, nameof(targets));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytesPerChecksum, DataTransferProtocol.MaxBytesPerChecksum);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var header = new OpTransferBlockHeader { Block = block, Token = token, ClientName = clientName, BytesPerChecksum = (uint)bytesPerChecksum };
        header.Targets.Add(targets);
        var response = await ExchangeAsync(source, header, timeout, dialer, cancellationToken).ConfigureAwait(false);
        if (response.Status != TransferStatus.Success)
        {
            throw Failure(source, header, response);
        }
    }

    private static async Task<BlockOpResponse> ExchangeAsync(DatanodeId source, OpTransferBlockHeader header, TimeSpan timeout, DataTransferDialer dialer,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = await dialer.ConnectAsync(source, deadline.Token).ConfigureAwait(false);
            await using var input = new BufferedStream(connection.Stream, 1024);
            await DataTransferCodec.WriteRequestAsync(connection.Stream, DataTransferOp.TransferBlock, header, deadline.Token).ConfigureAwait(false);
            return await DataTransferCodec.ReadMessageAsync(input, BlockOpResponse.Parser, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or DataTransferProtocolException
                                          && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is OperationCanceledException ? $"no answer in {timeout.TotalSeconds:0.###} s" : exception.Message;
            throw new TransferBlockException(ErrorCode.Unavailable, badTarget: null,
                $"TRANSFER_BLOCK of {Describe(header)} with source DataNode {Address(source)} failed: {reason}", exception);
        }
    }

    private static TransferBlockException Failure(DatanodeId source, OpTransferBlockHeader header, BlockOpResponse response)
    {
        var badTarget = response.FirstBadLink.Length == 0 ? null : header.Targets.FirstOrDefault(target => Address(target) == response.FirstBadLink);
        var where = response.FirstBadLink.Length == 0 ? $"source DataNode {Address(source)}" : $"target DataNode {response.FirstBadLink}";
        var code = response.ErrorCode != 0 ? (ErrorCode)response.ErrorCode : ErrorCode.Unavailable;
        return new TransferBlockException(code, badTarget,
            $"TRANSFER_BLOCK of {Describe(header)} from {Address(source)} to [{string.Join(", ", header.Targets.Select(Address))}] failed at {where}: {response.Status} {response.Message}");
    }

    private static string Describe(OpTransferBlockHeader header) =>
        $"{new BlockId(header.Block.BlockId)} (genstamp {header.Block.GenerationStamp}, {header.Block.NumBytes} bytes)";

    private static string Address(DatanodeId node) => $"{node.Host}:{node.TransferPort}";
}
