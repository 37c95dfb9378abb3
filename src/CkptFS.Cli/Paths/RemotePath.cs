using System.CommandLine;
using CkptFS.Common;

namespace CkptFS.Cli.Paths;

/// <summary>
/// CkptFS paths as the user typed them, made absolute and normal as `hdfs dfs` does: a relative path
/// is under the home directory (<see cref="HomeEnvironmentVariable"/>, else /user/$USER), "//" and
/// "." collapse, ".." goes up (never above /), a trailing slash is dropped. `//a` is /a, `/a/./b/`
/// is /a/b, `ckpt/x` is /user/alice/ckpt/x.
/// </summary>
public static class RemotePath
{
    public const string HomeEnvironmentVariable = "CKPTFS_HOME";

    /// <summary>The home directory relative paths are resolved under.</summary>
    public static string Home =>
        Environment.GetEnvironmentVariable(HomeEnvironmentVariable) is { Length: > 0 } home && home.StartsWith('/')
            ? Normalize(home)
            : "/user/" + Environment.UserName;

    public static string Resolve(string path)
    {
        if (path.Length == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidPath, $"An empty path names nothing: give /a/b, or a path relative to your home {Home}.");
        }
        return Normalize(path.StartsWith('/') ? path : $"{Home}/{path}");
    }

    public static IReadOnlyList<string> ResolveAll(IEnumerable<string> paths) => [.. paths.Select(Resolve)];

    /// <summary>An argument of one CkptFS path, resolved as it is parsed.</summary>
    public static Argument<string> One(string name, string description, string? defaultPath = null)
    {
        var argument = new Argument<string>(name)
        {
            Description = description,
            CustomParser = result => result.Tokens.Count == 0 ? Resolve(defaultPath ?? "/") : Resolve(result.Tokens[0].Value),
        };
        if (defaultPath is not null)
        {
            argument.DefaultValueFactory = _ => Resolve(defaultPath);
        }
        return argument;
    }

    /// <summary>An argument of CkptFS paths, each resolved as it is parsed.</summary>
    public static Argument<string[]> Many(string name, string description, ArgumentArity arity, string[]? defaultPaths = null)
    {
        var argument = new Argument<string[]>(name)
        {
            Description = description,
            Arity = arity,
            CustomParser = result => [.. result.Tokens.Select(t => Resolve(t.Value))],
        };
        if (defaultPaths is not null)
        {
            argument.DefaultValueFactory = _ => [.. defaultPaths.Select(Resolve)];
        }
        return argument;
    }

    private static string Normalize(string absolute)
    {
        var segments = new List<string>();
        foreach (var segment in absolute.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }
        return "/" + string.Join('/', segments);
    }
}
