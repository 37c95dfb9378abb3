using System.Globalization;

namespace CkptFS.TestTool;

/// <summary>
/// The layout of the namespace that <see cref="NamespaceGenCommand"/> builds and
/// <see cref="NamespaceBenchCommand"/> reads: the first <see cref="BigDirectoryFiles"/> files in one
/// large directory (the listing benchmark pages through it), the rest in directories of
/// <see cref="FilesPerDirectory"/>, as checkpoint steps would hold them.
/// </summary>
internal static class ScaleNamespace
{
    public const int BigDirectoryFiles = 100_000;
    public const int FilesPerDirectory = 1_000;
    public const string BigDirectory = "/scale/big";

    public static string FilePath(long index) =>
        index < BigDirectoryFiles
            ? string.Create(CultureInfo.InvariantCulture, $"{BigDirectory}/f{index:D7}")
            : string.Create(CultureInfo.InvariantCulture, $"/scale/d{(index - BigDirectoryFiles) / FilesPerDirectory:D5}/f{index:D7}");
}
