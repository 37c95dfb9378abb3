using System.Threading.Channels;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// grpc.health.v1.Health (grpc/doc/health-checking.md). The service name "" stands for the whole
/// server. Check answers NOT_FOUND for a service never set; Watch answers SERVICE_UNKNOWN for it
/// and then, like every watch, one message per change until the client cancels.
/// </summary>
public sealed class HealthService
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Sets a service's status and tells its watchers. Setting the same status again sends nothing.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.TryGetValue(service, out var current) && current == status)
            {
                return;
            }

            _statuses[service] = status;
            if (_watchers.TryGetValue(service, out var watchers))
            {
                foreach (var watcher in watchers)
                {
                    // Unbounded channels: TryWrite only fails once the watch has ended.
                    watcher.TryWrite(status);
                }
            }
        }
    }

    /// <summary>The status last set for a service, or null when it was never set.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>Adds Check and Watch to a server's methods.</summary>
    public void AddTo(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddUnary(HealthMethods.Check, CheckAsync);
        registry.AddServerStreaming(HealthMethods.Watch, WatchAsync);
    }

    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> writer, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(context);
        var changes = Channel.CreateUnbounded<ServingStatus>(new UnboundedChannelOptions { SingleReader = true });
        ServingStatus first;
        lock (_lock)
        {
            // Subscribe and read the current status under one lock, so no change falls between.
            first = _statuses.TryGetValue(request.Service, out var status) ? status : ServingStatus.ServiceUnknown;
            if (!_watchers.TryGetValue(request.Service, out var watchers))
            {
                watchers = [];
                _watchers[request.Service] = watchers;
            }

            watchers.Add(changes.Writer);
        }

        try
        {
            await writer.WriteAsync(new HealthCheckResponse { Status = first }, context.CancellationToken).ConfigureAwait(false);
            await foreach (var status in changes.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                var watchers = _watchers[request.Service];
                watchers.Remove(changes.Writer);
                if (watchers.Count == 0)
                {
                    _watchers.Remove(request.Service);
                }
            }

            changes.Writer.TryComplete();
        }
    }
}
