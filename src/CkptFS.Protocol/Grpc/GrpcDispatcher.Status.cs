using System.Globalization;
using CkptFS.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CkptFS.Protocol.Grpc;

/// <summary>How a call's outcome becomes grpc-status, grpc-message and trailers.</summary>
public sealed partial class GrpcDispatcher
{
    /// <summary>The wire text of each status code, made once: the OK path must not format numbers.</summary>
    private static readonly string[] s_statusText =
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"];

    private void WriteFailure(ServerCallContext call, Exception exception)
    {
        var context = call.HttpContext;
        switch (exception)
        {
            case CkptFsException ckptFs:
                LogCallFailed(_logger, call.Method, ckptFs.Code, ckptFs.Message);
                WriteStatus(call, ErrorCodeStatus.ToStatusCode(ckptFs.Code), ckptFs.Message, ckptFs.Code);
                return;
            case RpcException rpc:
                LogRpcException(_logger, call.Method, rpc.StatusCode, rpc.Detail);
                foreach (var entry in rpc.Trailers)
                {
                    call.ResponseTrailers.Add(entry);
                }

                WriteStatus(call, rpc.StatusCode, rpc.Detail, errorCode: null);
                return;
        }

        // The call's token has three sources: the client (RequestAborted), shutdown, and the
        // deadline timer. The timer is known by elimination: it may fire a little before
        // DateTime.UtcNow reaches the deadline, so the clock alone cannot tell.
        var clientGone = context.RequestAborted.IsCancellationRequested;
        if (exception is OperationCanceledException && call.Deadline is { } deadline
            && (DateTime.UtcNow >= deadline || (call.CancellationToken.IsCancellationRequested && !clientGone && !_shutdown.IsCancellationRequested)))
        {
            LogDeadlineExceeded(_logger, call.Method);
            WriteStatus(call, StatusCode.DeadlineExceeded, "Deadline exceeded", errorCode: null);
            return;
        }

        if (clientGone)
        {
            // The client reset the stream or dropped the connection: nobody is left to answer, and
            // whatever the handler threw on the way out (OperationCanceled, IOException) is the echo.
            LogClientCancelled(_logger, call.Method, exception.GetType().Name);
            return;
        }

        if (exception is OperationCanceledException && _shutdown.IsCancellationRequested)
        {
            WriteStatus(call, StatusCode.Unavailable, "The server is shutting down", errorCode: null);
            return;
        }

        LogHandlerFailed(_logger, call.Method, exception);
        var detail = _options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.";
        WriteStatus(call, StatusCode.Internal, detail, errorCode: null);
    }

    /// <summary>
    /// Sends the status: in the response headers when nothing was written yet (Trailers-Only,
    /// which Kestrel sends as one HEADERS frame with END_STREAM), else in the trailers.
    /// </summary>
    private void WriteStatus(ServerCallContext call, StatusCode code, string? message, ErrorCode? errorCode)
    {
        var response = call.HttpContext.Response;
        IHeaderDictionary target;
        if (!call.ResponseStarted && !response.HasStarted)
        {
            response.ContentType = GrpcProtocol.ContentType;
            target = response.Headers;
        }
        else if (call.HttpContext.Features.Get<IHttpResponseTrailersFeature>() is { } trailers)
        {
            target = trailers.Trailers;
        }
        else
        {
            LogNoTrailers(_logger, call.Method, code);
            return;
        }

        SetStatus(target, code, message, errorCode);
        if (call.ResponseTrailersIfAny is { Count: > 0 } custom)
        {
            foreach (var entry in custom)
            {
                if (!GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    target.Append(entry.Key, entry.WireValue);
                }
            }
        }
    }

    /// <summary>A status before any call state exists (unknown method, bad headers): Trailers-Only.</summary>
    private static void WriteTrailersOnly(HttpContext context, StatusCode code, string message)
    {
        context.Response.ContentType = GrpcProtocol.ContentType;
        SetStatus(context.Response.Headers, code, message, errorCode: null);
    }

    private static void SetStatus(IHeaderDictionary target, StatusCode code, string? message, ErrorCode? errorCode)
    {
        var number = (int)code;
        target[GrpcProtocol.StatusHeader] = (uint)number < (uint)s_statusText.Length
            ? s_statusText[number]
            : number.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(message))
        {
            target[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(message);
        }

        if (errorCode is { } errorNumber)
        {
            target[GrpcProtocol.ErrorCodeTrailer] = ((int)errorNumber).ToString(CultureInfo.InvariantCulture);
        }
    }
}
