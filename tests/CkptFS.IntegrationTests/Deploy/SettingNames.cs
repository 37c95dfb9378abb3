using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using CkptFS.DataNode;
using CkptFS.NameNode;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// Which CKPTFS_* environment variable names the processes really read, so that a manifest cannot
/// set a name nothing reads (a typo is silently ignored by configuration binding).
/// - CKPTFS_NAMENODE__A__B and CKPTFS_DATANODE__A__B: `ckptfs namenode` and `ckptfs datanode` bind
///   the environment (prefix CKPTFS_ removed, "__" as ":") onto <see cref="NameNodeOptions"/> and
///   <see cref="DataNodeOptions"/>: the path must name a settable property, a list index where the
///   setting is a list, and the value must convert to the property's type.
/// - A few names are read one by one (<see cref="Direct"/>); each must appear as a literal in src/.
/// </summary>
internal static class SettingNames
{
    public static readonly IReadOnlyDictionary<string, string> Direct = new Dictionary<string, string>
    {
        ["CKPTFS_NAMENODE"] = "the NameNode address of clients, the mount and DataNodes (CkptFsClientOptions)",
        ["CKPTFS_LOG_FORMAT"] = "text or json log lines (LogSetup)",
        ["CKPTFS_LOG_LEVEL"] = "the minimum log level (LogSetup)",
        ["CKPTFS_MOUNT_STATE_DIR"] = "where a mount keeps its PID and log (MountState)",
        ["CKPTFS_TLS_CA"] = "the CA bundle of clients, the mount and DataNodes: TLS to the cluster (TlsClientTrust)",
    };

    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NAMENODE"] = typeof(NameNodeOptions),
        ["DATANODE"] = typeof(DataNodeOptions),
    };

    private static readonly Lazy<string> s_sources = new(() => string.Join('\n',
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)));

    /// <summary>Null when <paramref name="name"/> is read and <paramref name="value"/> fits it; else why not.</summary>
    public static string? Problem(string name, string value)
    {
        if (Direct.ContainsKey(name))
        {
            return s_sources.Value.Contains($"\"{name}\"", StringComparison.Ordinal) ? null : $"{name}: no literal \"{name}\" in src/ reads it";
        }
        var parts = name.Split("__");
        if (parts.Length < 2 || !parts[0].StartsWith("CKPTFS_", StringComparison.Ordinal)
            || !s_sections.TryGetValue(parts[0]["CKPTFS_".Length..], out var type))
        {
            return $"{name}: not a setting (expected CKPTFS_NAMENODE__..., CKPTFS_DATANODE__... or one of {string.Join(", ", Direct.Keys)})";
        }
        foreach (var part in parts.Skip(1))
        {
            if (ElementType(type) is { } element)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return $"{name}: {type.Name} is a list; '{part}' is not an index";
                }
                type = element;
                continue;
            }
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is not { IsPublic: true })
            {
                return $"{name}: {type.Name} has no settable property '{part}'";
            }
            type = property.PropertyType;
        }
        return Convert(name, type, value);
    }

    private static string? Convert(string name, Type type, string value)
    {
        var converter = TypeDescriptor.GetConverter(type);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            return $"{name}: names a section ({type.Name}), not a setting";
        }
        if (value.Contains("$(", StringComparison.Ordinal))
        {
            return null;   // expanded by Kubernetes from other variables: known only in the pod
        }
        try
        {
            converter.ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return $"{name}: '{value}' is not a {type.Name} ({exception.InnerException?.Message ?? exception.Message})";
        }
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type) && type != typeof(string) ? element
        : null;
}
