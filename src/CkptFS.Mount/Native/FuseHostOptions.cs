namespace CkptFS.Mount.Native;

/// <summary>How <see cref="FuseHost"/> mounts: the kernel-facing options of one mount.</summary>
public sealed record FuseHostOptions
{
    /// <summary>The source column of /proc/mounts (ckptfs:HOST:PORT/ROOT); the type is fuse.ckptfs.</summary>
    public string FsName { get; init; } = "ckptfs";

    /// <summary>Let other users use the mount (needs root or user_allow_other in /etc/fuse.conf); the kernel then checks modes.</summary>
    public bool AllowOther { get; init; }

    /// <summary>Mount read-only: the kernel refuses changes with EROFS before they reach CkptFS.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>libfuse threads serving requests at once.</summary>
    public int MaxThreads { get; init; } = 16;

    /// <summary>How long the kernel caches a file's attributes.</summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel caches a name lookup.</summary>
    public TimeSpan EntryTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel remembers that a name does not exist (0: ask every time; files appear from other clients).</summary>
    public TimeSpan NegativeTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>The kernel's read-ahead for the mount in KiB (set on its backing device after mounting; 0 leaves the kernel's default).</summary>
    public int ReadAheadKiB { get; init; } = 4096;

    /// <summary>Throws ArgumentException naming the first setting out of range.</summary>
    public void Validate()
    {
        if (MaxThreads is < 1 or > 1024)
        {
            throw new ArgumentException($"MaxThreads must be 1..1024 (is {MaxThreads}).");
        }
        if (AttributeTimeout < TimeSpan.Zero || EntryTimeout < TimeSpan.Zero || NegativeTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("The attribute, entry and negative timeouts cannot be negative.");
        }
        if (ReadAheadKiB is < 0 or > 1024 * 1024)
        {
            throw new ArgumentException($"ReadAheadKiB must be 0..1048576 (is {ReadAheadKiB}).");
        }
        if (FsName.Contains(',') || FsName.Contains('\n'))
        {
            throw new ArgumentException($"FsName cannot contain ',' or a newline ('{FsName}').");
        }
    }
}

/// <summary>A mount that could not be made, with what to do about it.</summary>
public sealed class MountException(string message, Exception? inner = null) : Exception(message, inner);
