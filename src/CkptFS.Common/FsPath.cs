using System.Text;

namespace CkptFS.Common;

/// <summary>
/// A validated, normalized absolute CkptFS path. Rules (as HDFS's DFSUtil.isValidName plus its
/// fs-limits): absolute; components separated by single '/'; no "." or ".." component; no NUL;
/// a component at most <see cref="MaxComponentBytes"/> UTF-8 bytes; the whole path at most
/// <see cref="MaxPathChars"/> characters and <see cref="MaxDepth"/> components. One trailing '/'
/// is accepted and dropped ("/a/" is "/a").
/// </summary>
public sealed class FsPath : IEquatable<FsPath>
{
    public const int MaxComponentBytes = 255;
    public const int MaxPathChars = 8000;
    public const int MaxDepth = 1000;

    public static readonly FsPath Root = new("/", []);

    private readonly string[] _components;

    private FsPath(string value, string[] components)
    {
        Value = value;
        _components = components;
    }

    /// <summary>The normalized path, e.g. "/jobs/llama/step-100".</summary>
    public string Value { get; }

    /// <summary>The names from the root down; empty for the root.</summary>
    public IReadOnlyList<string> Components => _components;

    public int Depth => _components.Length;

    public bool IsRoot => _components.Length == 0;

    /// <summary>The last component; empty for the root.</summary>
    public string Name => IsRoot ? string.Empty : _components[^1];

    public FsPath Parent => IsRoot ? this : Ancestor(_components.Length - 1);

    /// <summary>The ancestor made of the first <paramref name="depth"/> components (0 is the root).</summary>
    public FsPath Ancestor(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, _components.Length);
        return depth == _components.Length ? this : FromComponents(_components.AsSpan(0, depth));
    }

    /// <summary>Parses and validates; throws <see cref="CkptFsException"/> with <see cref="ErrorCode.InvalidPath"/>.</summary>
    public static FsPath Parse(string? path)
    {
        if (TryParse(path, out var parsed, out var error))
        {
            return parsed;
        }
        throw new CkptFsException(ErrorCode.InvalidPath, error);
    }

    public static bool TryParse(string? path, out FsPath parsed, out string error)
    {
        parsed = Root;
        if (string.IsNullOrEmpty(path))
        {
            error = "Invalid path: the path is empty; give an absolute path such as /jobs/run1.";
            return false;
        }
        if (path[0] != '/')
        {
            error = $"Invalid path '{Shorten(path)}': paths are absolute and start with '/'.";
            return false;
        }
        if (path.Length > MaxPathChars)
        {
            error = $"Invalid path '{Shorten(path)}': {path.Length} characters, the limit is {MaxPathChars}.";
            return false;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            error = $"Invalid path '{Shorten(path.Replace("\0", "\\0", StringComparison.Ordinal))}': it contains a NUL character.";
            return false;
        }
        if (path == "/")
        {
            error = string.Empty;
            return true;
        }

        var body = path.EndsWith('/') ? path[1..^1] : path[1..];
        var components = body.Split('/');
        if (components.Length > MaxDepth)
        {
            error = $"Invalid path '{Shorten(path)}': {components.Length} components, the limit is {MaxDepth}.";
            return false;
        }
        foreach (var component in components)
        {
            if (!IsValidName(component, out var why))
            {
                error = $"Invalid path '{Shorten(path)}': {why}.";
                return false;
            }
        }
        parsed = new FsPath("/" + body, components);
        error = string.Empty;
        return true;
    }

    /// <summary>Checks one path component (a file or directory name).</summary>
    public static bool IsValidName(string name, out string why)
    {
        if (name.Length == 0)
        {
            why = "it has an empty component ('//')";
            return false;
        }
        if (name is "." or "..")
        {
            why = $"'{name}' components are not allowed";
            return false;
        }
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            why = $"the name '{Shorten(name)}' contains '/' or NUL";
            return false;
        }
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxComponentBytes)
        {
            why = $"the name '{Shorten(name)}' is {bytes} bytes, the limit is {MaxComponentBytes}";
            return false;
        }
        why = string.Empty;
        return true;
    }

    public FsPath Child(string name)
    {
        if (!IsValidName(name, out var why))
        {
            throw new CkptFsException(ErrorCode.InvalidPath, $"Invalid name: {why}.");
        }
        var components = new string[_components.Length + 1];
        _components.CopyTo(components, 0);
        components[^1] = name;
        return new FsPath(IsRoot ? "/" + name : Value + "/" + name, components);
    }

    /// <summary>True when this path is <paramref name="other"/> or lies below it.</summary>
    public bool IsSameOrDescendantOf(FsPath other)
    {
        if (other.Depth > Depth)
        {
            return false;
        }
        for (var i = 0; i < other.Depth; i++)
        {
            if (!string.Equals(_components[i], other._components[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public static FsPath FromComponents(ReadOnlySpan<string> components) =>
        components.Length == 0 ? Root : new FsPath("/" + string.Join('/', components.ToArray()), components.ToArray());

    public bool Equals(FsPath? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as FsPath);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
