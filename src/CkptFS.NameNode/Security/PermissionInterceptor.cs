using CkptFS.NameNode.Namespace;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Checks every ClientProtocol and CheckpointProtocol call against <see cref="AccessPolicy"/> before its
/// handler runs (Permissions:Enabled), for the user <see cref="CallerIdentity"/> names, on the
/// namespace as published when the call arrives. It sits inside the authentication and audit
/// interceptors: the user is the token's when tokens are required, and refusals are audited.
/// </summary>
public sealed class PermissionInterceptor(FsNamespace fs, CallerResolver callers) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var caller = callers.Resolve(CallerIdentity.UserOf(context));
        AccessPolicy.Check(request, new PermissionChecker(fs.Current, caller));
        return continuation(request, context);
    }
}

/// <summary>Who a user is for the permission checks: their groups (Permissions:Groups) and whether they are a superuser.</summary>
public sealed class CallerResolver(PermissionOptions permissions, AuthenticationOptions authentication)
{
    private static readonly IReadOnlySet<string> NoGroups = new HashSet<string>();
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _groups = permissions.GroupMapping();
    private readonly string _processUser = Environment.UserName;

    public Caller Resolve(string? user)
    {
        var name = user ?? string.Empty;
        var groups = _groups.GetValueOrDefault(name) ?? NoGroups;
        var superuser = name.Length > 0 && (authentication.IsSuperuser(name) || name == _processUser || groups.Contains(permissions.Supergroup));
        return new Caller(name, groups, superuser);
    }
}
