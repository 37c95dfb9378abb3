namespace CkptFS.NameNode.Security;

/// <summary>How the NameNode authenticates clients. Mode "none" keeps the local quickstart open.</summary>
public enum AuthenticationMode
{
    /// <summary>No check: the user is whoever the client names (the ckptfs-user header), as HDFS's "simple" mode.</summary>
    None,

    /// <summary>Every ClientProtocol, CheckpointProtocol and TokenProtocol call carries a bearer token the NameNode issued.</summary>
    Token,
}

/// <summary>
/// Client authentication (HDFS delegation tokens), bound from the "NameNode:Authentication" section
/// (CKPTFS_NAMENODE__AUTHENTICATION__MODE=token turns it on).
/// </summary>
public sealed class AuthenticationOptions
{
    public AuthenticationMode Mode { get; set; } = AuthenticationMode.None;

    /// <summary>Comma-separated users who may issue tokens for others, list and revoke every token (HDFS's superuser). The first one owns the admin token.</summary>
    public string Superusers { get; set; } = "ckptfs";

    public IReadOnlyList<string> SuperuserNames => Superusers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Where the NameNode writes a superuser token at start (mode 0600) when the mode is token; empty: <c>admin.token</c> in its data folder.</summary>
    public string AdminTokenFile { get; set; } = string.Empty;

    /// <summary>A token's life from issue or its last renewal (HDFS dfs.delegation.token.renew-interval: 1 day).</summary>
    public TimeSpan TokenRenewInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>No renewal goes past issue + this (HDFS dfs.delegation.token.max-lifetime: 7 days).</summary>
    public TimeSpan TokenMaxLifetime { get; set; } = TimeSpan.FromDays(7);

    public string AdminTokenFileIn(string dataDirectory) => AdminTokenFile.Length > 0 ? AdminTokenFile : Path.Combine(dataDirectory, "admin.token");

    public bool IsSuperuser(string? user) => user is not null && SuperuserNames.Contains(user, StringComparer.Ordinal);

    public void Validate()
    {
        if (SuperuserNames.Count == 0)
        {
            throw new ArgumentException("Invalid setting Authentication:Superusers: expected at least one non-empty user name.");
        }
        if (TokenRenewInterval < TimeSpan.FromSeconds(1) || TokenMaxLifetime < TokenRenewInterval)
        {
            throw new ArgumentException(
                $"Invalid settings Authentication:TokenRenewInterval = {TokenRenewInterval} and TokenMaxLifetime = {TokenMaxLifetime}: expected 1 s <= renew interval <= max lifetime.");
        }
    }
}
