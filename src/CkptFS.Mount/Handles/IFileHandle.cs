namespace CkptFS.Mount.Handles;

/// <summary>An open file or directory of the mount, found by the fh the kernel passes back.</summary>
internal interface IFileHandle
{
    /// <summary>The mount path it was opened at (for log lines).</summary>
    string Path { get; }

    /// <summary>Called once, when the kernel releases the handle; must not throw.</summary>
    void Release();
}
