using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// The gRPC services a server serves: instances built by the caller (the NameNode wires its core
/// by hand, not through a container), each with the full name the health service reports it under.
/// </summary>
public sealed class RpcServices
{
    private readonly List<Action<IServiceCollection>> _registrations = [];
    private readonly List<Action<IEndpointRouteBuilder>> _mappings = [];
    private readonly List<string> _names = [];

    /// <summary>The full names (<c>package.Service</c>) of the services added.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Serves <paramref name="service"/>, a subclass of a generated <c>...Base</c>, as <paramref name="serviceName"/>.</summary>
    public RpcServices Add<TService>(TService service, string serviceName)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        if (_names.Contains(serviceName, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{serviceName} is already served");
        }

        _names.Add(serviceName);
        _registrations.Add(services => services.AddSingleton(service));
        _mappings.Add(routes => routes.MapGrpcService<TService>());
        return this;
    }

    /// <summary>
    /// Runs <paramref name="interceptor"/> around every call of <typeparamref name="TService"/> (added
    /// with <see cref="Add{TService}"/>), inside the server's error translation, so it sees the
    /// handler's own exception (a CkptFsException with its code) before it becomes a status.
    /// One instance serves every call.
    /// </summary>
    public RpcServices Intercept<TService, TInterceptor>(TInterceptor interceptor)
        where TService : class
        where TInterceptor : Interceptor
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        _registrations.Add(services =>
        {
            services.AddSingleton(interceptor);
            services.AddGrpc().AddServiceOptions<TService>(options => options.Interceptors.Add<TInterceptor>());
        });
        return this;
    }

    internal void Register(IServiceCollection services)
    {
        foreach (var registration in _registrations)
        {
            registration(services);
        }
    }

    internal void Map(IEndpointRouteBuilder routes)
    {
        foreach (var mapping in _mappings)
        {
            mapping(routes);
        }
    }
}
