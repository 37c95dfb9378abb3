using System.Runtime.InteropServices;

namespace CkptFS.Mount.Native;

/// <summary>The few libc calls the mount needs.</summary>
internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    public static partial uint GetGid();
}
