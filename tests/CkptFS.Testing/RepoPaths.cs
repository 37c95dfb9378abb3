namespace CkptFS.Testing;

/// <summary>Where the repository and its launcher are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CkptFS.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No CkptFS.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    /// <summary>The `./ckptfs` launcher (builds the Release CLI when stale, then runs it).</summary>
    public static string Launcher => Path.Combine(Root, "ckptfs");
}
