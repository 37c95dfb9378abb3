namespace CkptFS.NameNode.Security;

/// <summary>
/// Permission checks (HDFS dfs.permissions.enabled), bound from the "NameNode:Permissions" section.
/// Off by default for the open local quickstart (HDFS turns them on by default; the production Kubernetes
/// overlay does). The superusers (Authentication:Superusers, the NameNode's own OS user,
/// members of <see cref="Supergroup"/>) pass every check, so a single-user cluster notices nothing.
/// </summary>
public sealed class PermissionOptions
{
    public bool Enabled { get; set; }

    /// <summary>Members of this group are superusers (HDFS dfs.permissions.superusergroup).</summary>
    public string Supergroup { get; set; } = "supergroup";

    /// <summary>
    /// The groups of each user, "alice=ml,research;bob=ml" (HDFS's static group mapping). A user not
    /// listed is in no group; group bits then never apply to them.
    /// </summary>
    public string Groups { get; set; } = string.Empty;

    public IReadOnlyDictionary<string, IReadOnlySet<string>> GroupMapping() =>
        Groups.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(
                pair => pair[0],
                pair => (IReadOnlySet<string>)new HashSet<string>(pair.Length > 1 ? pair[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [], StringComparer.Ordinal),
                StringComparer.Ordinal);

    public void Validate()
    {
        foreach (var entry in Groups.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.Contains('=', StringComparison.Ordinal) || entry.StartsWith('='))
            {
                throw new ArgumentException($"Invalid setting Permissions:Groups entry '{entry}': expected USER=GROUP1,GROUP2 (entries separated by ';').");
            }
        }
    }
}
