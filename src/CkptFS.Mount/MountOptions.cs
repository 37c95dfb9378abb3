namespace CkptFS.Mount;

/// <summary>How a mount behaves; the CLI's `ckptfs mount` flags set the first ones.</summary>
public sealed record MountOptions
{
    /// <summary>The CkptFS folder the mountpoint shows ("/" for the whole namespace).</summary>
    public string Root { get; init; } = "/";

    /// <summary>The absolute local folder mounted on (to recognise the mount's files among a process's descriptors).</summary>
    public string Mountpoint { get; init; } = "/";

    /// <summary>Refuse every change with EROFS.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Let other users than the one who mounted use the mount (-o allow_other).</summary>
    public bool AllowOther { get; init; }

    /// <summary>The unsent tail of a file being written: the step bytes go to the pipeline in, and the rewrite window.</summary>
    public int WriteBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest gap a write past the end may leave (filled with zeros).</summary>
    public long MaxGapBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long the kernel and the mount keep a file's or directory's attributes.</summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The kernel's read-ahead for the mount, in KiB (sequential readers get this much in flight).</summary>
    public int ReadAheadKiB { get; init; } = 4096;

    /// <summary>libfuse threads serving kernel requests at once.</summary>
    public int MaxThreads { get; init; } = 16;

    /// <summary>At SIGTERM/SIGINT: how long open writers get to complete before the mount goes anyway.</summary>
    public TimeSpan CloseWait { get; init; } = TimeSpan.FromSeconds(10);
}
