using CkptFS.Common;
using CkptFS.Protocol.Grpc;
using Google.Protobuf;

namespace CkptFS.Client;

public sealed partial class CkptFsClient
{
    /// <summary>
    /// One NameNode call with its deadline, retried with exponential back-off while the NameNode is
    /// unreachable or says it is temporarily unavailable. Mutations are safe to retry: they carry a
    /// request id the NameNode's retry cache recognises.
    /// </summary>
    private async Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var backoff = Options.RetryBackoff;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var callOptions = new CallOptions(_headers, DateTime.UtcNow + Options.CallTimeout, cancellationToken);
                return await _channel.UnaryAsync(method, request, callOptions);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < Options.MaxRetries)
            {
                await Task.Delay(backoff, cancellationToken);
                backoff *= 2;
            }
            catch (CkptFsException e) when (e.IsTransient && attempt < Options.MaxRetries)
            {
                await Task.Delay(backoff, cancellationToken);
                backoff *= 2;
            }
            catch (RpcException e)
            {
                throw Translate(e);
            }
        }
    }

    /// <summary>Turns a transport-level failure into the error a user can act on.</summary>
    private CkptFsException Translate(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => new CkptFsException(ErrorCode.Unavailable,
            $"Cannot reach the NameNode at {Options.NameNodeAddress}: {e.Detail} Is it running? Start one with 'ckptfs namenode --data DIR', " +
            $"or point to it with --namenode HOST:PORT or {CkptFsClientOptions.NameNodeEnvironmentVariable}.", e),
        StatusCode.DeadlineExceeded => new CkptFsException(ErrorCode.DeadlineExceeded,
            $"The NameNode at {Options.NameNodeAddress} did not answer within {Options.CallTimeout.TotalSeconds:0.#} s: {e.Detail}", e),
        StatusCode.Cancelled => new CkptFsException(ErrorCode.Cancelled, $"The call was cancelled: {e.Detail}", e),
        _ => new CkptFsException(ErrorCode.Internal, $"The NameNode at {Options.NameNodeAddress} answered {e.StatusCode}: {e.Detail}", e),
    };
}
