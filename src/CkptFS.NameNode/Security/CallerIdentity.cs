using Grpc.Core;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Who a call acts for: the user of its bearer token when the NameNode authenticates (set by
/// <see cref="AuthenticationInterceptor"/>), else the user the client names in the ckptfs-user header.
/// </summary>
public static class CallerIdentity
{
    /// <summary>Metadata key a client uses to say which user it acts for (recorded as owner; ignored once a token says who it is).</summary>
    public const string UserHeader = "ckptfs-user";

    private const string AuthenticatedUserKey = "ckptfs.authenticated-user";
    private const string RequiredKey = "ckptfs.authentication-required";
    private const string MethodKey = "ckptfs.authenticated-by";

    /// <summary>The user the call acts for; null when authentication is required and failed (the header claims nothing then).</summary>
    public static string? UserOf(ServerCallContext context) =>
        context.UserState.TryGetValue(AuthenticatedUserKey, out var user) ? (string)user
        : context.UserState.ContainsKey(RequiredKey) ? null
        : context.RequestHeaders.GetValue(UserHeader);

    public static bool IsAuthenticated(ServerCallContext context) => context.UserState.ContainsKey(AuthenticatedUserKey);

    internal static void SetRequired(ServerCallContext context) => context.UserState[RequiredKey] = true;

    /// <summary>How the call proved its user: "token" or "certificate"; null when it did not.</summary>
    public static string? MethodOf(ServerCallContext context) => context.UserState.TryGetValue(MethodKey, out var method) ? (string)method : null;

    internal static void SetAuthenticated(ServerCallContext context, string user, string method)
    {
        context.UserState[AuthenticatedUserKey] = user;
        context.UserState[MethodKey] = method;
    }
}
