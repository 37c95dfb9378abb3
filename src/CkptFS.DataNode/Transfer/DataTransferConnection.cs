using System.Net.Sockets;
using System.Security.Authentication;
using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// One accepted connection: reads the op request (within SocketTimeout), runs the op, and turns every
/// way a peer can fail (garbage, lies, silence, a cut) into a closed connection and a warning.
/// Reads go through a small buffered stream (the varint lengths are read byte by byte); large packet
/// reads bypass its buffer, and writes go to the socket directly in whole frames. With TLS on the
/// port, the handshake comes first, within the same deadline as the request.
/// </summary>
internal sealed class DataTransferConnection(TransferContext context, Socket socket)
{
    /// <summary>Enough for a request or ack and a packet prefix; a packet body larger than this is read straight into its own buffer.</summary>
    private const int ReadBufferBytes = 8 * 1024;

    private readonly string _peer = socket.RemoteEndPoint?.ToString() ?? "?";

    public async Task RunAsync()
    {
        using var deadline = new ReadDeadline(context.Options.SocketTimeout, context.Time, context.Stopping);
        try
        {
            socket.NoDelay = true;
            await using var network = context.Certificates is { } certificates
                ? (Stream)await DataTransferTls.AcceptAsync(new NetworkStream(socket, ownsSocket: false), certificates, deadline.Arm()).ConfigureAwait(false)
                : new NetworkStream(socket, ownsSocket: false);
            await using var input = new BufferedStream(network, ReadBufferBytes);
            var request = await DataTransferCodec.ReadRequestAsync(input, deadline.Arm()).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            switch (request.Op)
            {
                case DataTransferOp.WriteBlock:
                    await new BlockReceiver(context, _peer, input, network, deadline, request.ParseHeader(OpWriteBlockHeader.Parser)).RunAsync().ConfigureAwait(false);
                    break;
                case DataTransferOp.ReadBlock:
                    await new BlockSender(context, _peer, input, network, deadline, request.ParseHeader(OpReadBlockHeader.Parser)).RunAsync().ConfigureAwait(false);
                    break;
                case DataTransferOp.TransferBlock:
                    await new TransferBlockHandler(context, _peer, network, deadline, request.ParseHeader(OpTransferBlockHeader.Parser)).RunAsync().ConfigureAwait(false);
                    break;
                case DataTransferOp.InitReplicaRecovery:
                    await new InitReplicaRecoveryHandler(context, _peer, network, deadline, request.ParseHeader(OpInitReplicaRecoveryHeader.Parser)).RunAsync().ConfigureAwait(false);
                    break;
                case DataTransferOp.UpdateReplicaUnderRecovery:
                    await new UpdateReplicaUnderRecoveryHandler(context, _peer, network, deadline, request.ParseHeader(OpUpdateReplicaUnderRecoveryHeader.Parser))
                        .RunAsync().ConfigureAwait(false);
                    break;
                default:
                    throw new DataTransferProtocolException($"Op {request.Op} is not served.");
            }
        }
        catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
        {
            TransferLog.ConnectionClosed(context.Logger, _peer, "the server is stopping");
        }
        catch (OperationCanceledException)
        {
            TransferLog.ConnectionClosed(context.Logger, _peer, $"no data for {deadline.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception exception) when (exception is CkptFsException or IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            TransferLog.ConnectionClosed(context.Logger, _peer, $"{exception.GetType().Name}: {exception.Message}");
        }
        catch (Exception exception)
        {
            TransferLog.ConnectionFailed(context.Logger, exception, _peer);
        }
    }
}
