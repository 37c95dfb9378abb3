using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>An op request as read off the wire: the op and its still-encoded header (one per connection).</summary>
public sealed class DataTransferRequest(DataTransferOp op, byte[] header)
{
    public DataTransferOp Op { get; } = op;

    public ReadOnlyMemory<byte> Header { get; } = header;

    /// <summary>Parses the header as <typeparamref name="T"/>; a header that does not parse breaks the protocol.</summary>
    public T ParseHeader<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(Header.Span);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new DataTransferProtocolException($"The {Op} header does not parse: {exception.Message}", exception);
        }
    }
}
