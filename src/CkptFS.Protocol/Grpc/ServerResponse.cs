using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>Writes response messages into Kestrel's pipe; shared by the unary path and the stream writer.</summary>
internal static class ServerResponse
{
    /// <summary>
    /// Buffers one message frame without flushing: a unary response then leaves in the same
    /// write as its trailers when the request completes.
    /// </summary>
    public static void WriteMessage(ServerCallContext call, IMessage message)
    {
        var response = call.HttpContext.Response;
        if (!call.ResponseStarted)
        {
            response.ContentType = GrpcProtocol.ContentType;
            call.ResponseStarted = true;
        }

        GrpcFrameWriter.Write(response.BodyWriter, message, call.MaxSendMessageBytes);
    }
}
