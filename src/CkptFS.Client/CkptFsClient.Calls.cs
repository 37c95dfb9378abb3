using CkptFS.Common;
using Grpc.Core;

namespace CkptFS.Client;

public sealed partial class CkptFsClient
{
    /// <summary>
    /// One NameNode call with its deadline, retried with exponential back-off while the NameNode is
    /// unreachable or says it is temporarily unavailable. Mutations are safe to retry: they carry a
    /// request id the NameNode's retry cache recognises.
    /// </summary>
    /// <param name="call">Starts the call on a generated client with the options given.</param>
    private async Task<TResponse> CallAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        var backoff = Options.RetryBackoff;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var callOptions = new CallOptions(_headers, DateTime.UtcNow + Options.CallTimeout, cancellationToken);
                using var pending = call(callOptions);
                return await pending.ResponseAsync.ConfigureAwait(false);
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
            $"Cannot reach the NameNode at {Options.NameNodeAddress}: {Cause(e)}. Is it running? Start one with 'ckptfs namenode --data DIR', " +
            $"or point to it with --namenode HOST:PORT or {CkptFsClientOptions.NameNodeEnvironmentVariable}.", e),
        StatusCode.DeadlineExceeded => new CkptFsException(ErrorCode.DeadlineExceeded,
            $"The NameNode at {Options.NameNodeAddress} did not answer within {Options.CallTimeout.TotalSeconds:0.#} s.", e),
        StatusCode.Cancelled => new CkptFsException(ErrorCode.Cancelled, $"The call was cancelled: {e.Status.Detail}", e),
        _ => new CkptFsException(ErrorCode.Internal, $"The NameNode at {Options.NameNodeAddress} answered {e.StatusCode}: {e.Status.Detail}", e),
    };

    /// <summary>
    /// What went wrong underneath, in a few words: grpc-dotnet's detail ("Error starting gRPC call.
    /// HttpRequestException: ...") names its own layers; the innermost exception names the cause.
    /// </summary>
    private static string Cause(RpcException e)
    {
        var cause = e.Status.DebugException;
        while (cause?.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        return (cause?.Message ?? e.Status.Detail).TrimEnd('.');
    }
}
