using System.Globalization;
using CkptFS.Common;
using CkptFS.Protocol.Tls;
using Grpc.Core;

namespace CkptFS.Client;

public sealed partial class CkptFsClient
{
    /// <summary>
    /// One NameNode call with its deadline. While the NameNode is away (unreachable: connection
    /// refused or reset, as during a restart; or answering a transient refusal: safe mode, "retry
    /// shortly") the call is retried with capped, jittered exponential back-off for up to
    /// <see cref="CkptFsClientOptions.NameNodeWait"/> (<see cref="NameNodeWaitPolicy"/>), then fails
    /// saying how long it waited and what to check. Every call is safe to retry: reads are idempotent,
    /// mutations carry a request id that the NameNode's retry cache answers, and the write path's
    /// mutations (Create, AddBlock, Complete, UpdatePipeline) recognise their own retry after a
    /// NameNode restart too. Other errors fail at once.
    /// </summary>
    /// <param name="call">Starts the call on a generated client with the options given.</param>
    /// <param name="retryable">Which CkptFS refusals are waited out (default: <see cref="WaitedOut"/>).</param>
    private async Task<TResponse> CallAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken,
        Func<CkptFsException, bool>? retryable = null)
    {
        var time = Options.TimeProvider;
        long firstFailure = 0;
        for (var retry = 0; ; retry++)
        {
            Exception failure;
            try
            {
                var callOptions = new CallOptions(_headers, DateTime.UtcNow + Options.CallTimeout, cancellationToken);
                using var pending = call(callOptions);
                var response = await pending.ResponseAsync.ConfigureAwait(false);
                if (retry > 0)
                {
                    NameNodeWaitLog.Back(_logger, CallName<TResponse>(), Options.NameNodeAddress, Seconds(time.GetElapsedTime(firstFailure)), retry);
                }
                return response;
            }
            catch (RpcException e) when (TlsMismatch(e) is { } mismatch)
            {
                // A wrong CA or cleartext at a TLS port: no wait cures it.
                throw mismatch;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                failure = e;
            }
            catch (CkptFsException e) when (retryable?.Invoke(e) ?? WaitedOut(e))
            {
                failure = e;
            }
            catch (RpcException e)
            {
                throw Translate(e);
            }

            if (retry == 0)
            {
                firstFailure = time.GetTimestamp();
            }
            var waited = time.GetElapsedTime(firstFailure);
            if (_waitPolicy.NextDelay(retry, waited) is not { } delay)
            {
                throw GiveUp(failure, waited, retry, CallName<TResponse>());
            }
            if (retry == 0)
            {
                NameNodeWaitLog.Waiting(_logger, CallName<TResponse>(), Options.NameNodeAddress, Reason(failure), Seconds(_waitPolicy.Wait));
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refusals a call waits out by default: the transient ones, except too few DataNodes, which only
    /// a first AddBlock waits for (see AddBlockAsync); elsewhere (a replacement DataNode for a
    /// pipeline) the writer has excluded the nodes itself and waiting would only delay its failure.
    /// </summary>
    private static bool WaitedOut(CkptFsException e) => e.IsTransient && e.Code != ErrorCode.NotEnoughDataNodes;

    /// <summary>The error of a call that waited <paramref name="waited"/> in vain (or did not wait: NameNodeWait 0).</summary>
    private CkptFsException GiveUp(Exception failure, TimeSpan waited, int retries, string call)
    {
        var last = failure is RpcException rpc ? Translate(rpc) : (CkptFsException)failure;
        if (retries == 0)
        {
            return last;
        }
        NameNodeWaitLog.GaveUp(_logger, call, Options.NameNodeAddress, Seconds(waited), retries, Reason(failure));
        var check = last.Code switch
        {
            ErrorCode.Unavailable => "Check that the NameNode is running and reachable ('ckptfs report'; on Kubernetes, its pod and Service)",
            ErrorCode.SafeMode => "The NameNode stays in safe mode until enough DataNodes register and report their blocks: check 'ckptfs report' and the DataNodes' logs",
            _ => "Check the DataNodes ('ckptfs report'): they may be down or not reporting",
        };
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{last.Message.TrimEnd('.')}. Gave up after waiting {Seconds(waited):0.#} s ({retries} retries; {nameof(CkptFsClientOptions.NameNodeWait)} {Seconds(_waitPolicy.Wait):0.#} s, " +
            $"set by {CkptFsClientOptions.NameNodeWaitEnvironmentVariable} or --namenode-wait). {check}.");
        return new CkptFsException(last.Code, message, last.InnerException ?? last);
    }

    private static string Reason(Exception failure) => failure switch
    {
        RpcException rpc => $"unreachable: {Cause(rpc)}",
        CkptFsException { Code: ErrorCode.SafeMode } => "in safe mode",
        CkptFsException e => $"{e.Code}: {e.Message}",
        _ => failure.Message,
    };

    /// <summary>The call's name for logs, from its response type (AddBlockResponse: "AddBlock").</summary>
    private static string CallName<TResponse>() =>
        typeof(TResponse).Name.EndsWith("Response", StringComparison.Ordinal) ? typeof(TResponse).Name[..^"Response".Length] : typeof(TResponse).Name;

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 1);

    /// <summary>The error of a call that failed because this client and the NameNode disagree about TLS; null otherwise.</summary>
    private CkptFsException? TlsMismatch(RpcException e) =>
        TlsFailure.Describe(e, "NameNode", Options.NameNodeAddress, Options.TlsCaFile, $"{TlsClientTrust.CaFileEnvironmentVariable}=FILE or --tls-ca FILE", _clientCertificate) is { } message
            ? new CkptFsException(ErrorCode.TlsMismatch, message, e)
            : null;

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
