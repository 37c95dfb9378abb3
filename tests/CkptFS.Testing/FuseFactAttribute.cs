using Xunit;

namespace CkptFS.Testing;

/// <summary>A test that mounts CkptFS with FUSE; skipped, with the reason, where /dev/fuse or fusermount3 is missing.</summary>
public sealed class FuseFactAttribute : FactAttribute
{
    public FuseFactAttribute()
    {
        if (CkptFsMount.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
